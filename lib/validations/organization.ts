import { z } from "zod";
import { slugify } from "@/lib/organizations/slug";
import { organizationNameField } from "./common";

export const renameOrganizationSchema = z.object({ name: organizationNameField });
export type RenameOrganizationInput = z.infer<typeof renameOrganizationSchema>;

/** A URL name as creation makes them: what `slugify` leaves unchanged (a–z, 0–9, inner hyphens, at most 40). */
export const organizationSlugSchema = z.object({
  slug: z
    .string({ error: "required" })
    .trim()
    .min(1, { error: "required" })
    .max(40, { error: "org-settings.slugInvalid" })
    .refine((v) => slugify(v) === v, { error: "org-settings.slugInvalid" }),
});
export type OrganizationSlugInput = z.infer<typeof organizationSlugSchema>;

export const deleteOrganizationSchema = z.object({
  confirmName: z.string({ error: "required" }).min(1, { error: "required" }).max(200, { error: "invalid" }),
});
export type DeleteOrganizationInput = z.infer<typeof deleteOrganizationSchema>;
