"use server";

import { orgAction, type OrgContext } from "@/lib/action";
import { cancelInvitation, previewReinvite, reinvite } from "@/lib/invitations/manage";
import { removeMember, transferOwnership, updateMember } from "@/lib/members/manage";
import { resetFactors } from "@/lib/two-step";
import { invitationIdSchema, membershipIdSchema, reinviteSchema, updateMemberSchema } from "@/lib/validations/members";

// Every row action changes what the list shows: it is refreshed once the change is committed.
const refreshingList = { revalidate: ({ organizationSlug }: OrgContext) => `/o/${organizationSlug}/admin/users` };

export const updateMemberAction = orgAction(
  "members:manage",
  updateMemberSchema,
  (actor, input) => updateMember(actor, input),
  refreshingList,
);

export const removeMemberAction = orgAction(
  "members:manage",
  membershipIdSchema,
  (actor, input) => removeMember(actor, input),
  refreshingList,
);

export const transferOwnershipAction = orgAction(
  "members:manage",
  membershipIdSchema,
  (actor, input) => transferOwnership(actor, input),
  refreshingList,
);

/** Removes the member's factors, recovery codes and sessions (lib/two-step resetFactors says who may). */
export const resetTwoStepAction = orgAction(
  "members:manage",
  membershipIdSchema,
  (actor, input) => resetFactors(actor, input.membershipId),
  refreshingList,
);

export const reinviteAction = orgAction(
  "invitations:manage",
  reinviteSchema,
  async (actor, input) => {
    const result = await reinvite(actor, input);
    return {
      invitationId: result.invitationId,
      passwordDelivery: result.passwordDelivery,
      temporaryPassword: result.temporaryPassword ?? null,
      passwordSheetToken: result.passwordSheetToken ?? null,
    };
  },
  refreshingList,
);

/** What the re-invite dialog asks before sending: whether a new temporary password goes out, and how. */
export const previewReinviteAction = orgAction("invitations:manage", invitationIdSchema, (actor, input) =>
  previewReinvite(actor, input),
);

export const cancelInvitationAction = orgAction(
  "invitations:manage",
  invitationIdSchema,
  (actor, input) => cancelInvitation(actor, input),
  refreshingList,
);
