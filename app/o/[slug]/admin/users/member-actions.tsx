"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { cancelInvitationAction, removeMemberAction, resetTwoStepAction, transferOwnershipAction } from "./actions";
import { ConfirmDialogContent } from "@/components/ui/confirm-dialog";
import { EditMemberDialogContent } from "./edit-member-dialog";
import { ReinviteDialogContent, ReinvitedContent, type Reinvited } from "./reinvite-dialog";
import type { MemberActionTarget, RowAction } from "./row-actions";

export type OpenAction = { action: RowAction; member: MemberActionTarget };

/**
 * The dialog of the row action being taken, if any: edit, delete, set as owner, reset two-step
 * verification, re-invite or cancel an invitation. Mounted only while an action is open.
 */
export function MemberActionDialog({
  organizationSlug,
  organizationName,
  open,
  onClose,
}: {
  organizationSlug: string;
  organizationName: string;
  open: OpenAction | null;
  onClose: () => void;
}) {
  const t = useTranslations("users.actions");
  const [reinvited, setReinvited] = useState<Reinvited | null>(null);
  const close = () => {
    setReinvited(null);
    onClose();
  };
  const onOpenChange = (next: boolean) => {
    if (!next) close();
  };
  const member = open?.member;
  const invitation = member?.invitationId;
  const name = member?.name ?? "";

  return (
    <>
      {open !== null && member && (
        <Dialog open onOpenChange={onOpenChange}>
          {open.action === "edit" && (
            <EditMemberDialogContent organizationSlug={organizationSlug} member={member} onDone={close} />
          )}
          {open.action === "delete" && (
            <ConfirmDialogContent
              title={t("deleteTitle", { name })}
              description={t("deleteBody", { name, organization: organizationName })}
              confirmLabel={t("delete")}
              danger
              run={() => removeMemberAction(organizationSlug, { membershipId: member.membershipId })}
              onDone={close}
            />
          )}
          {open.action === "owner" && (
            <ConfirmDialogContent
              title={t("setOwnerTitle", { name })}
              description={t("setOwnerBody", { name, organization: organizationName })}
              confirmLabel={t("setOwner")}
              run={() => transferOwnershipAction(organizationSlug, { membershipId: member.membershipId })}
              onDone={close}
            />
          )}
          {open.action === "resetTwoStep" && (
            <ConfirmDialogContent
              title={t("resetTwoStepTitle", { name })}
              description={t("resetTwoStepBody", { name, organization: organizationName })}
              confirmLabel={t("resetTwoStepConfirm")}
              danger
              run={() => resetTwoStepAction(organizationSlug, { membershipId: member.membershipId })}
              onDone={close}
            />
          )}
          {open.action === "cancel" && invitation && (
            <ConfirmDialogContent
              title={t("cancelInvitationTitle", { email: member.email })}
              description={t("cancelInvitationBody")}
              confirmLabel={t("cancelInvitation")}
              cancelLabel={t("keepInvitation")}
              danger
              run={() => cancelInvitationAction(organizationSlug, { invitationId: invitation })}
              onDone={close}
            />
          )}
          {open.action === "reinvite" && invitation && !reinvited && (
            <ReinviteDialogContent
              organizationSlug={organizationSlug}
              invitationId={invitation}
              name={name}
              email={member.email}
              onDone={setReinvited}
            />
          )}
          {open.action === "reinvite" && reinvited && (
            <ReinvitedContent organizationSlug={organizationSlug} name={name} email={member.email} result={reinvited} />
          )}
        </Dialog>
      )}
    </>
  );
}
