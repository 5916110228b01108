"use server";

import { revalidatePath } from "next/cache";
import { orgAction, type ActionResult } from "@/lib/action";
import { cancelInvitation, previewReinvite, reinvite } from "@/lib/invitations/manage";
import { removeMember, transferOwnership, updateMember } from "@/lib/members/manage";
import { invitationIdSchema, membershipIdSchema, reinviteSchema, updateMemberSchema } from "@/lib/validations/members";

type OrgAction<T> = (organizationSlug: string, raw: unknown) => Promise<ActionResult<T>>;

// Every row action changes what the list shows: refresh it once the change is committed.
function refreshingList<T>(action: OrgAction<T>): OrgAction<T> {
  return async (organizationSlug, raw) => {
    const result = await action(organizationSlug, raw);
    if (result.ok) revalidatePath(`/o/${organizationSlug}/admin/users`);
    return result;
  };
}

const update = refreshingList(
  orgAction("members:manage", updateMemberSchema, (actor, input) => updateMember(actor, input)),
);
const remove = refreshingList(
  orgAction("members:manage", membershipIdSchema, (actor, input) => removeMember(actor, input)),
);
const makeOwner = refreshingList(
  orgAction("members:manage", membershipIdSchema, (actor, input) => transferOwnership(actor, input)),
);
const resend = refreshingList(
  orgAction("invitations:manage", reinviteSchema, async (actor, input) => {
    const result = await reinvite(actor, input);
    return {
      invitationId: result.invitationId,
      passwordDelivery: result.passwordDelivery,
      temporaryPassword: result.temporaryPassword ?? null,
      passwordSheetToken: result.passwordSheetToken ?? null,
    };
  }),
);
const preview = orgAction("invitations:manage", invitationIdSchema, (actor, input) => previewReinvite(actor, input));
const cancel = refreshingList(
  orgAction("invitations:manage", invitationIdSchema, (actor, input) => cancelInvitation(actor, input)),
);

export async function updateMemberAction(organizationSlug: string, raw: unknown) {
  return update(organizationSlug, raw);
}

export async function removeMemberAction(organizationSlug: string, raw: unknown) {
  return remove(organizationSlug, raw);
}

export async function transferOwnershipAction(organizationSlug: string, raw: unknown) {
  return makeOwner(organizationSlug, raw);
}

export async function reinviteAction(organizationSlug: string, raw: unknown) {
  return resend(organizationSlug, raw);
}

/** What the re-invite dialog asks before sending: whether a new temporary password goes out, and how. */
export async function previewReinviteAction(organizationSlug: string, raw: unknown) {
  return preview(organizationSlug, raw);
}

export async function cancelInvitationAction(organizationSlug: string, raw: unknown) {
  return cancel(organizationSlug, raw);
}
