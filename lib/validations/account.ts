import { z } from "zod";
import { validTimeZone } from "@/lib/i18n/time-zone";
import { nameField } from "./common";
import { confirmed, newPasswordShape } from "./password";

/** "" stands for "the browser's" in both choices: no language or zone stored on the account. */
export const accountPreferencesSchema = z.object({
  name: nameField,
  locale: z.enum(["", "en", "fr"], { error: "invalid" }),
  timeZone: z
    .string({ error: "invalid" })
    .max(100, { error: "account.timeZoneInvalid" })
    .refine((v) => v === "" || validTimeZone(v) === v, { error: "account.timeZoneInvalid" }),
});
export type AccountPreferencesInput = z.infer<typeof accountPreferencesSchema>;

export const accountPasswordSchema = confirmed(
  z.object({
    currentPassword: z.string({ error: "required" }).min(1, { error: "required" }).max(1024, { error: "invalid" }),
    ...newPasswordShape,
  }),
);
export type AccountPasswordInput = z.infer<typeof accountPasswordSchema>;
