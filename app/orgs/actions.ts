"use server";

import { accountAction } from "@/lib/action";
import { createOrganization } from "@/lib/organizations";
import { createOrganizationSchema } from "@/lib/validations/auth";

export const createOrganizationAction = accountAction(
  createOrganizationSchema,
  (account, input, meta) => createOrganization(account, input, meta),
  { redirectTo: (organization) => `/o/${organization.slug}` },
);
