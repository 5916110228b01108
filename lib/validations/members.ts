import { z } from "zod";
import { accessExpiryInstant as endOfAccessDay } from "./invitation-rules";
import { withoutControlCharacters } from "./text";
import { passwordDeliveryChoices } from "./invitations";
import type { MembershipRole, membershipTags } from "@/db/schema";

// Literal lists rather than the schema's enums: this module runs in the browser too, and the
// schema module would bring the database toolkit with it. `satisfies` keeps them in step.
export const memberRoles = ["administrator", "user"] as const satisfies readonly MembershipRole[];
export const memberTags = ["external", "privileged"] as const satisfies readonly (typeof membershipTags)[number][];
export type MemberTag = (typeof memberTags)[number];

/** How the Users page lists rows: a membership's status, or its invitation's when it is invited. */
export const memberListStatuses = ["active", "invited", "expired", "disabled"] as const;
export type MemberListStatus = (typeof memberListStatuses)[number];

/** The Users page's two-step filter: members with a confirmed factor, or without one. */
export const memberTwoStepFilters = ["set", "unset"] as const;

export const MEMBERS_PAGE_SIZE = 25;

// Search parameters come from a URL anyone can edit: anything unusable falls back to "no filter".
export const membersQuerySchema = z.object({
  // A control character (a NUL byte above all, which the database refuses) separates words, as a
  // line break separates a member's name from their address in the text searched.
  q: z
    .string()
    .transform((v) => withoutControlCharacters(v).trim())
    .pipe(z.string().max(100))
    .catch(""),
  role: z.enum(memberRoles).optional().catch(undefined),
  status: z.enum(memberListStatuses).optional().catch(undefined),
  twoStep: z.enum(memberTwoStepFilters).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type MembersQuery = z.infer<typeof membersQuerySchema>;

/** `YYYY-MM-DD` from a date input; the access lasts until the end of that day (UTC). */
const accessExpiryField = z
  .string()
  .trim()
  .refine((v) => v === "" || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))), {
    error: "invalid",
  });

export const updateMemberSchema = z
  .object({
    membershipId: z.uuid(),
    role: z.enum(memberRoles, { error: "required" }),
    enabled: z.boolean(),
    accessExpiresAt: accessExpiryField,
    tags: z.array(z.enum(memberTags)).max(memberTags.length),
  })
  .refine((v) => !v.tags.includes("privileged") || v.accessExpiresAt !== "", {
    path: ["accessExpiresAt"],
    error: "users.privilegedNeedsExpiry",
  });
export type UpdateMemberInput = z.infer<typeof updateMemberSchema>;

export const membershipIdSchema = z.object({ membershipId: z.uuid() });
export type MembershipIdInput = z.infer<typeof membershipIdSchema>;

export const invitationIdSchema = z.object({ invitationId: z.uuid() });
export type InvitationIdInput = z.infer<typeof invitationIdSchema>;

/**
 * Re-invite: when the settings say Ask and a new temporary password goes out, how it reaches the
 * invitee (the wizard's choice); ignored otherwise.
 */
export const reinviteSchema = z.object({
  invitationId: z.uuid(),
  passwordDelivery: z.enum(passwordDeliveryChoices, { error: "invalid" }).nullable().optional(),
});
export type ReinviteInput = z.infer<typeof reinviteSchema>;

/** The instant an access expiry date ends (the wizard's rule), or null for no date. */
export function accessExpiryInstant(date: string): Date | null {
  return date === "" ? null : endOfAccessDay(date);
}
