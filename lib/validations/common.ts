import { z } from "zod";
import { hasControlCharacters } from "./text";

// Messages are keys of the `validation` catalog: the server action and the client form
// translate the same key, so a rule has one wording in each language.

export const emailField = z
  .string({ error: "required" })
  .trim()
  .min(1, { error: "required" })
  .max(254, { error: "emailInvalid" })
  .pipe(z.email({ error: "emailInvalid" }));

export const nameField = z
  .string({ error: "required" })
  .trim()
  .min(1, { error: "required" })
  .max(100, { error: "nameTooLong" })
  .refine((v) => !hasControlCharacters(v), { error: "controlCharacters" });

export const organizationNameField = z
  .string({ error: "required" })
  .trim()
  .min(2, { error: "organizationNameTooShort" })
  .max(80, { error: "organizationNameTooLong" })
  .refine((v) => !hasControlCharacters(v), { error: "controlCharacters" });

/** At most 128 characters, counted as the password policy counts them (after NFKC, by code point). */
export const withinPasswordLength = (v: string) => [...v.normalize("NFKC")].length <= 128;

/** A password someone chooses: at least 12 characters at first run, at most 128. */
export const newPasswordField = z
  .string({ error: "required" })
  .min(12, { error: "passwordTooShort" })
  .refine(withinPasswordLength, { error: "passwordTooLong" });
