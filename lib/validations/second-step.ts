import { z } from "zod";
import { passkeyAuthenticationSchema } from "./two-step";

// The sign-in's second step and the passkey-only sign-in, shared by the browser and the actions.

// The sign-in pages carry the `auth` catalog only, so the messages are its keys.
const secondStepCodeField = z
  .string({ error: "auth.secondStep.codeShape" })
  .transform((v) => v.replace(/\s+/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, { error: "auth.secondStep.codeShape" }));

const recoveryCodeField = z
  .string({ error: "auth.secondStep.recoveryShape" })
  .trim()
  .min(1, { error: "auth.secondStep.recoveryShape" })
  .max(64, { error: "auth.secondStep.recoveryShape" });

export const secondStepSchema = z.discriminatedUnion("method", [
  z.object({ method: z.literal("totp"), code: secondStepCodeField }),
  z.object({ method: z.literal("recovery"), code: recoveryCodeField }),
  passkeyAuthenticationSchema.extend({ method: z.literal("passkey") }),
]);

export const passkeySignInSchema = passkeyAuthenticationSchema.extend({
  callbackUrl: z.string().max(2048).optional(),
});

/** The code forms of the second-step page: one field, validated as the server will. */
export const totpProofSchema = z.object({ code: secondStepCodeField });
export const recoveryProofSchema = z.object({ code: recoveryCodeField });
