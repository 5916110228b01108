import { z } from "zod";
import { emailField, withinPasswordLength } from "./common";

// The length and common-password rules need the organization's settings and a large list, so
// the server applies them (lib/auth/password-policy.ts); the form checks what it can alone.
const newPassword = z
  .string({ error: "required" })
  .min(1, { error: "required" })
  .refine(withinPasswordLength, { error: "passwordTooLong" });
const confirmPassword = z.string({ error: "required" }).min(1, { error: "required" });

export const newPasswordShape = { newPassword, confirmPassword };

/** Adds "Confirm new password must match" to a schema that has both fields. */
export function confirmed<S extends z.ZodType<{ newPassword: string; confirmPassword: string }>>(schema: S): S {
  return schema.refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    error: "password.mismatch",
  });
}

export const changePasswordSchema = confirmed(z.object(newPasswordShape));
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const forgotPasswordSchema = z.object({ email: emailField });
export type ForgotPasswordInput = z.infer<typeof forgotPasswordSchema>;

export const resetPasswordSchema = confirmed(
  z.object({
    resetId: z.uuid({ error: "password.linkInvalid" }),
    key: z.string().trim().min(1, { error: "password.linkInvalid" }).max(200, { error: "password.linkInvalid" }),
    ...newPasswordShape,
  }),
);
export type ResetPasswordInput = z.infer<typeof resetPasswordSchema>;
