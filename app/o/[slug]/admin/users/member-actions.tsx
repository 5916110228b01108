"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import type { MemberListStatus, MemberTag } from "@/lib/validations/members";
import { cancelInvitationAction, reinviteAction, removeMemberAction, transferOwnershipAction } from "./actions";
import { ConfirmDialogContent } from "./confirm-dialog";
import { EditMemberDialogContent } from "./edit-member-dialog";
import { TemporaryPassword } from "./temporary-password";

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

type Open = "edit" | "delete" | "owner" | "reinvite" | "cancel" | null;

/** The actions a row offers, each in a dialog; what the server would refuse is not offered. */
export function MemberActions({
  organizationSlug,
  organizationName,
  member,
  isSelf,
  actorIsOwner,
}: {
  organizationSlug: string;
  organizationName: string;
  member: MemberActionTarget;
  isSelf: boolean;
  actorIsOwner: boolean;
}) {
  const t = useTranslations("users.actions");
  const [open, setOpen] = useState<Open>(null);
  const [reinvited, setReinvited] = useState<{ temporaryPassword: string | null } | null>(null);
  const close = () => setOpen(null);
  const onOpenChange = (next: boolean) => {
    if (!next) {
      setOpen(null);
      setReinvited(null);
    }
  };
  const invitation = member.invitationId;
  const name = member.name;

  const button = (kind: Exclude<Open, null>, label: string, ariaLabel: string) => (
    <Button size="sm" variant="ghost" aria-label={ariaLabel} onClick={() => setOpen(kind)}>
      {label}
    </Button>
  );

  return (
    <div className="flex flex-col items-end gap-1 whitespace-nowrap">
      {invitation ? (
        <>
          {button("reinvite", t("reinvite"), t("reinviteLabel", { name }))}
          {button("cancel", t("cancelInvitation"), t("cancelInvitationLabel", { name }))}
        </>
      ) : (
        <>
          {button("edit", t("edit"), t("editLabel", { name }))}
          {actorIsOwner && !member.isOwner && member.role === "administrator" && member.status === "active" && button("owner", t("setOwner"), t("setOwnerLabel", { name }))}
          {!isSelf && !member.isOwner && button("delete", t("delete"), t("deleteLabel", { name }))}
        </>
      )}

      {/* Mounted only while open: a page of 25 rows renders no dialog machinery. */}
      {open !== null && (
        <Dialog open onOpenChange={onOpenChange}>
          {open === "edit" && <EditMemberDialogContent organizationSlug={organizationSlug} member={member} onDone={close} />}
          {open === "delete" && (
            <ConfirmDialogContent
              title={t("deleteTitle", { name })}
              description={t("deleteBody", { name, organization: organizationName })}
              confirmLabel={t("delete")}
              danger
              run={() => removeMemberAction(organizationSlug, { membershipId: member.membershipId })}
              onDone={close}
            />
          )}
          {open === "owner" && (
            <ConfirmDialogContent
              title={t("setOwnerTitle", { name })}
              description={t("setOwnerBody", { name, organization: organizationName })}
              confirmLabel={t("setOwner")}
              run={() => transferOwnershipAction(organizationSlug, { membershipId: member.membershipId })}
              onDone={close}
            />
          )}
          {open === "cancel" && invitation && (
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
          {open === "reinvite" && invitation && !reinvited && (
            <ConfirmDialogContent
              title={t("reinviteTitle", { name })}
              description={t("reinviteBody", { email: member.email })}
              confirmLabel={t("reinvite")}
              run={() => reinviteAction(organizationSlug, { invitationId: invitation })}
              onDone={(data) => setReinvited({ temporaryPassword: data.temporaryPassword })}
            />
          )}
          {open === "reinvite" && reinvited && (
            <ReinvitedContent name={name} email={member.email} temporaryPassword={reinvited.temporaryPassword} />
          )}
        </Dialog>
      )}
    </div>
  );
}

function ReinvitedContent({ name, email, temporaryPassword }: { name: string; email: string; temporaryPassword: string | null }) {
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
