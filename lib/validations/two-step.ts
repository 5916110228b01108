import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { hasControlCharacters } from "./text";

// Forms and payloads of two-step verification, shared by the browser and the server actions.

const factorNameField = z
  .string({ error: "two-step.nameRequired" })
  .trim()
  .min(1, { error: "two-step.nameRequired" })
  .max(60, { error: "two-step.nameTooLong" })
  .refine((v) => !hasControlCharacters(v), { error: "controlCharacters" });

const totpCodeField = z
  .string({ error: "two-step.codeShape" })
  .transform((v) => v.replace(/\s+/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, { error: "two-step.codeShape" }));

export const confirmTotpSchema = z.object({ factorId: z.uuid(), code: totpCodeField });

export const renameFactorSchema = z.object({ factorId: z.uuid(), name: factorNameField });

export const factorIdSchema = z.object({ factorId: z.uuid() });

export const noInputSchema = z.object({});

const base64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/);

// The shape @simplewebauthn/browser returns; the server library checks every byte of it.
const registrationResponse = z.looseObject({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  response: z.looseObject({
    clientDataJSON: base64url,
    attestationObject: base64url,
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
  clientExtensionResults: z.looseObject({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

const authenticationResponse = z.looseObject({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  response: z.looseObject({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: base64url.optional(),
  }),
  clientExtensionResults: z.looseObject({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

/** A registration response of the browser, with the sealed state it was given and an optional name. */
export const passkeyRegistrationSchema = z.object({
  response: registrationResponse.transform((r) => r as RegistrationResponseJSON),
  state: z.string().min(1).max(4096),
  name: factorNameField.optional(),
});

/** An authentication response of the browser with the sealed state it was given (for the sign-in). */
export const passkeyAuthenticationSchema = z.object({
  response: authenticationResponse.transform((r) => r as AuthenticationResponseJSON),
  state: z.string().min(1).max(4096),
});
