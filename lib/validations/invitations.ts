import { z } from "zod";
import { inviteOptionsIssues, MAX_ADDRESSES_PER_INVITE, splitAddresses } from "./invitation-rules";

// The server's schemas for the wizard: the same rules as the browser's (./invitation-rules),
// applied again to the whole payload, since earlier steps are never trusted.

export { accessExpiryInstant, splitAddresses } from "./invitation-rules";

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

export const inviteOptionsSchema = z
  .object({
    locale: z.enum(["en", "fr"], { error: "invalid" }),
    personalMessage: z.string({ error: "invalid" }),
    accessExpiry: z.string({ error: "invalid" }),
    external: z.boolean({ error: "invalid" }),
    privileged: z.boolean({ error: "invalid" }),
  })
  .superRefine((options, ctx) => {
    for (const issue of inviteOptionsIssues(options))
      ctx.addIssue({ code: "custom", path: [issue.field], message: issue.message });
  });

/** The whole wizard, as Send Invite submits it. `idempotencyKey` is one per wizard run. */
export const sendInviteSchema = z.object({
  idempotencyKey: z.uuid({ error: "invalid" }),
  emails: emailsField,
  passwordDelivery: z.enum(passwordDeliveryChoices).nullable(),
  options: inviteOptionsSchema,
});
export type SendInviteInput = z.infer<typeof sendInviteSchema>;
