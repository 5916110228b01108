import type { MemberRow } from "@/lib/members/list";
import type { MemberListStatus, MemberTag } from "@/lib/validations/members";

/** What a row's dialogs need to know about its member or invitation. */
export type MemberActionTarget = {
  membershipId: string;
  name: string;
  email: string;
  role: "administrator" | "user";
  status: MemberListStatus;
  isOwner: boolean;
  tags: MemberTag[];
  /** ISO timestamp. */
  accessExpiresAt: string | null;
  invitationId: string | null;
  /** Whether the account holds a confirmed two-step factor; unknown where it is not read. */
  twoStep?: boolean;
};

/** A member as the dialogs see it, from the Users page's row or the member page. */
export function actionTarget(
  row: Pick<
    MemberRow,
    | "membershipId"
    | "name"
    | "email"
    | "role"
    | "status"
    | "isOwner"
    | "tags"
    | "accessExpiresAt"
    | "invitation"
    | "twoStep"
  >,
): MemberActionTarget {
  return {
    membershipId: row.membershipId,
    name: row.name,
    email: row.email,
    role: row.role,
    status: row.status,
    isOwner: row.isOwner,
    tags: row.tags,
    accessExpiresAt: row.accessExpiresAt?.toISOString() ?? null,
    invitationId: row.invitation?.id ?? null,
    twoStep: row.twoStep,
  };
}

export type RowAction = "edit" | "delete" | "owner" | "reinvite" | "cancel" | "resetTwoStep";

/**
 * The actions a row offers: what the server would refuse is not offered (the server still
 * decides). An invitation is re-sent or cancelled; a member is edited, made owner by the owner
 * when an active administrator, or removed unless it is the owner or the viewer; a member with
 * two-step verification set up has it reset, the owner's by the owner alone (the viewer's own row
 * shows it set up only while the viewer holds a factor, which its own reset needs).
 */
export function offeredActions(
  member: Pick<MemberActionTarget, "invitationId" | "isOwner" | "role" | "status" | "twoStep">,
  viewer: { isSelf: boolean; isOwner: boolean },
): RowAction[] {
  if (member.invitationId) return ["reinvite", "cancel"];
  const actions: RowAction[] = ["edit"];
  if (viewer.isOwner && !member.isOwner && member.role === "administrator" && member.status === "active")
    actions.push("owner");
  if (member.twoStep && (!member.isOwner || viewer.isOwner)) actions.push("resetTwoStep");
  if (!viewer.isSelf && !member.isOwner) actions.push("delete");
  return actions;
}

/**
 * Each action's button text and accessible name, most with the member's name. Reset two-step
 * verification's name is its text alone (SPEC §9); the Users table describes it by the row's name.
 */
export const rowActionLabels: Record<RowAction, { label: string; ariaLabel: string }> = {
  reinvite: { label: "reinvite", ariaLabel: "reinviteLabel" },
  cancel: { label: "cancelInvitation", ariaLabel: "cancelInvitationLabel" },
  edit: { label: "edit", ariaLabel: "editLabel" },
  owner: { label: "setOwner", ariaLabel: "setOwnerLabel" },
  resetTwoStep: { label: "resetTwoStep", ariaLabel: "resetTwoStep" },
  delete: { label: "delete", ariaLabel: "deleteLabel" },
};
