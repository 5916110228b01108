import { z } from "zod";

// Client-safe: the wizard validates each step with these schemas, and the server actions parse
// the same schemas again (the final one re-validates the whole payload).

/** More addresses than this in one run are refused: a wizard is not a bulk import. */
export const MAX_ADDRESSES_PER_INVITE = 20;
export const PERSONAL_MESSAGE_MAX = 500;

/**
 * The addresses of the Email field: split on `,` and `;`, trimmed, empty parts dropped, and
 * duplicates collapsed case-insensitively (the first spelling typed is kept).
 */
export function splitAddresses(raw: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of raw.split(/[,;]/)) {
    const address = part.trim();
    const normalized = address.toLowerCase();
    if (!address || seen.has(normalized)) continue;
    seen.add(normalized);
    out.push(address);
  }
  return out;
}

const addressCheck = z.email();

/** Whether one address is well formed (the same rule as every other email field). */
export function isWellFormedAddress(address: string): boolean {
  return address.length <= 254 && addressCheck.safeParse(address).success;
}

const emailsField = z
  .string({ error: "required" })
  .max(6000, { error: "invite-wizard.tooManyAddresses" })
  .refine((v) => splitAddresses(v).length > 0, { error: "required" })
  .refine((v) => splitAddresses(v).length <= MAX_ADDRESSES_PER_INVITE, { error: "invite-wizard.tooManyAddresses" });

export const lookupInviteeSchema = z.object({ emails: emailsField });
export type LookupInviteeInput = z.infer<typeof lookupInviteeSchema>;

/** Ask: how the administrator chose to hand over the temporary passwords of new accounts. */
export const passwordDeliveryChoices = ["email", "manual"] as const;
export type PasswordDeliveryChoice = (typeof passwordDeliveryChoices)[number];

/** `YYYY-MM-DD` → the end of that day (UTC): access lasts through the chosen date. */
export function accessExpiryInstant(date: string): Date {
  return new Date(`${date}T23:59:59.999Z`);
}

export const inviteOptionsSchema = z
  .object({
    locale: z.enum(["en", "fr"], { error: "invalid" }),
    personalMessage: z.string().max(PERSONAL_MESSAGE_MAX, { error: "invite-wizard.personalMessageTooLong" }),
    accessExpiry: z
      .string()
      .refine((v) => v === "" || /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(accessExpiryInstant(v).getTime()), {
        error: "invite-wizard.accessExpiryInvalid",
      })
      .refine((v) => v === "" || Number.isNaN(accessExpiryInstant(v).getTime()) || accessExpiryInstant(v).getTime() > Date.now(), {
        error: "invite-wizard.accessExpiryPast",
      }),
    external: z.boolean(),
    privileged: z.boolean(),
  })
  .refine((o) => !o.privileged || o.accessExpiry !== "", {
    error: "invite-wizard.privilegedNeedsExpiry",
    path: ["accessExpiry"],
  });
export type InviteOptionsInput = z.infer<typeof inviteOptionsSchema>;

/** The whole wizard, as Send Invite submits it. `idempotencyKey` is one per wizard run. */
export const sendInviteSchema = z.object({
  idempotencyKey: z.uuid({ error: "invalid" }),
  emails: emailsField,
  passwordDelivery: z.enum(passwordDeliveryChoices).nullable(),
  options: inviteOptionsSchema,
});
export type SendInviteInput = z.infer<typeof sendInviteSchema>;

/** Step 2 as the wizard's form holds it: the options, under the same path the server reports. */
export const inviteOptionsStepSchema = z.object({ options: inviteOptionsSchema });
export type InviteOptionsStepInput = z.infer<typeof inviteOptionsStepSchema>;
