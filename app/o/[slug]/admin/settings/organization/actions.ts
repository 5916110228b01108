"use server";

import { orgAction } from "@/lib/action";
import { changeOrganizationSlug, deleteOrganization, renameOrganization } from "@/lib/organizations/manage";
import {
  deleteOrganizationSchema,
  organizationSlugSchema,
  renameOrganizationSchema,
} from "@/lib/validations/organization";

export const renameOrganizationAction = orgAction(
  "settings:manage",
  renameOrganizationSchema,
  (actor, input) => renameOrganization(actor, input),
  { revalidate: ({ organizationSlug }) => `/o/${organizationSlug}/admin/settings/organization` },
);

export const changeOrganizationSlugAction = orgAction(
  "settings:manage",
  organizationSlugSchema,
  (actor, input) => changeOrganizationSlug(actor, input),
  { redirectTo: (data) => `/o/${data.slug}/admin/settings/organization` },
);

// The owner check is the domain function's: a settings administrator reaches it and is refused.
export const deleteOrganizationAction = orgAction(
  "settings:manage",
  deleteOrganizationSchema,
  (actor, input) => deleteOrganization(actor, input),
  { redirectTo: "/" },
);
