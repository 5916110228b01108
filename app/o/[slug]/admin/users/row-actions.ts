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
};

export type RowAction = "edit" | "delete" | "owner" | "reinvite" | "cancel";

/**
 * The actions a row offers: what the server would refuse is not offered (the server still
 * decides). An invitation is re-sent or cancelled; a member is edited, made owner by the owner
 * when an active administrator, or removed unless it is the owner or the viewer.
 */
export function offeredActions(
  member: Pick<MemberActionTarget, "invitationId" | "isOwner" | "role" | "status">,
  viewer: { isSelf: boolean; isOwner: boolean },
): RowAction[] {
  if (member.invitationId) return ["reinvite", "cancel"];
  const actions: RowAction[] = ["edit"];
  if (viewer.isOwner && !member.isOwner && member.role === "administrator" && member.status === "active")
    actions.push("owner");
  if (!viewer.isSelf && !member.isOwner) actions.push("delete");
  return actions;
}

export const rowActionLabels: Record<RowAction, { label: string; ariaLabel: string }> = {
  reinvite: { label: "reinvite", ariaLabel: "reinviteLabel" },
  cancel: { label: "cancelInvitation", ariaLabel: "cancelInvitationLabel" },
  edit: { label: "edit", ariaLabel: "editLabel" },
  owner: { label: "setOwner", ariaLabel: "setOwnerLabel" },
  delete: { label: "delete", ariaLabel: "deleteLabel" },
};
