import { z } from "zod";
import { confirmed, newPasswordShape } from "./password";

/** The invitation ID and key, from the link or typed by hand (spaces around them ignored). */
const invitationKeyShape = {
  invitationId: z
    .string({ error: "required" })
    .trim()
    .min(1, { error: "required" })
    .pipe(z.uuid({ error: "invite.idInvalid" })),
  key: z.string({ error: "required" }).trim().min(1, { error: "required" }).max(200, { error: "invite.keyInvalid" }),
};

export const invitationKeySchema = z.object(invitationKeyShape);
export type InvitationKeyInput = z.infer<typeof invitationKeySchema>;

const temporaryPassword = z
  .string({ error: "required" })
  .min(1, { error: "required" })
  .max(1024, { error: "passwordTooLong" });

export const temporaryPasswordSchema = z.object({ ...invitationKeyShape, temporaryPassword });
export type TemporaryPasswordInput = z.infer<typeof temporaryPasswordSchema>;

/** Update Password on the invitation page: every earlier step is checked again. */
export const completeNewAccountSchema = confirmed(
  z.object({ ...invitationKeyShape, temporaryPassword, ...newPasswordShape }),
);
export type CompleteNewAccountInput = z.infer<typeof completeNewAccountSchema>;
