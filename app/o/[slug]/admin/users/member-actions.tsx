"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import { cancelInvitationAction, reinviteAction, removeMemberAction, transferOwnershipAction } from "./actions";
import { ConfirmDialogContent } from "./confirm-dialog";
import { EditMemberDialogContent } from "./edit-member-dialog";
import type { MemberActionTarget, RowAction } from "./row-actions";
import { TemporaryPassword } from "./temporary-password";

export type OpenAction = { action: RowAction; member: MemberActionTarget };

/**
 * The dialog of the row action being taken, if any: edit, delete, set as owner, re-invite or
 * cancel an invitation. Mounted only while an action is open.
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
  const [reinvited, setReinvited] = useState<{ temporaryPassword: string | null } | null>(null);
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
            <ConfirmDialogContent
              title={t("reinviteTitle", { name })}
              description={t("reinviteBody", { email: member.email })}
              confirmLabel={t("reinvite")}
              run={() => reinviteAction(organizationSlug, { invitationId: invitation })}
              onDone={(data) => setReinvited({ temporaryPassword: data.temporaryPassword })}
            />
          )}
          {open.action === "reinvite" && reinvited && (
            <ReinvitedContent name={name} email={member.email} temporaryPassword={reinvited.temporaryPassword} />
          )}
        </Dialog>
      )}
    </>
  );
}

function ReinvitedContent({
  name,
  email,
  temporaryPassword,
}: {
  name: string;
  email: string;
  temporaryPassword: string | null;
}) {
  const t = useTranslations("users.actions");
  return (
    <DialogContent title={t("reinviteDone")} description={t("reinviteDoneBody", { email })}>
      {temporaryPassword && (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">{t("temporaryPasswordIntro", { name })}</p>
          <TemporaryPassword password={temporaryPassword} />
        </div>
      )}
      <div className="mt-6 flex justify-end">
        <DialogClose asChild>
          <Button>{t("done")}</Button>
        </DialogClose>
      </div>
    </DialogContent>
  );
}
