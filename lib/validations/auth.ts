import { z } from "zod";
import { emailField, nameField, newPasswordField, organizationNameField } from "./common";

export const signInSchema = z.object({
  email: emailField,
  password: z.string({ error: "required" }).min(1, { error: "required" }).max(1024, { error: "passwordTooLong" }),
  callbackUrl: z.string().max(2048).optional(),
});
export type SignInInput = z.infer<typeof signInSchema>;

export const setupSchema = z.object({
  organizationName: organizationNameField,
  name: nameField,
  email: emailField,
  password: newPasswordField,
});
export type SetupInput = z.infer<typeof setupSchema>;

export const createOrganizationSchema = z.object({ name: organizationNameField });
export type CreateOrganizationInput = z.infer<typeof createOrganizationSchema>;
