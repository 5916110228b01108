"use client";

import { useTranslations } from "next-intl";
import { useState, type MouseEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import { cancelInvitationAction, reinviteAction, removeMemberAction, transferOwnershipAction } from "./actions";
import { ConfirmDialogContent } from "./confirm-dialog";
import { EditMemberDialogContent } from "./edit-member-dialog";
import type { MemberActionTarget, RowAction } from "./row-actions";
import { TemporaryPassword } from "./temporary-password";

type Open = { action: RowAction; member: MemberActionTarget } | null;

/**
 * The Users table's row actions. The buttons are rendered on the server (plain buttons with
 * `data-action` and `data-member`); this one client component catches their clicks and opens
 * the matching dialog, so a page of rows hydrates one component instead of one per row.
 */
export function MemberActionsHost({
  organizationSlug,
  organizationName,
  members,
  children,
}: {
  organizationSlug: string;
  organizationName: string;
  members: MemberActionTarget[];
  children: ReactNode;
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
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const button = (event.target as Element).closest<HTMLButtonElement>("button[data-action][data-member]");
    if (!button || !event.currentTarget.contains(button)) return;
    const member = members.find((m) => m.membershipId === button.dataset.member);
    if (member) setOpen({ action: button.dataset.action as RowAction, member });
  };
  const member = open?.member;
  const invitation = member?.invitationId;
  const name = member?.name ?? "";

  return (
    // Clicks bubble here from the rows' buttons; keyboard activation of a button is a click too.
    <div onClick={onClick}>
      {children}
      {/* Mounted only while open: a page of rows renders no dialog machinery. */}
      {open !== null && member && (
        <Dialog open onOpenChange={onOpenChange}>
          {open.action === "edit" && <EditMemberDialogContent organizationSlug={organizationSlug} member={member} onDone={close} />}
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
