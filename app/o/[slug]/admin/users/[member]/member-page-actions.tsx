"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { MemberActionDialog, type OpenAction } from "../member-actions";
import { offeredActions, rowActionLabels, type MemberActionTarget } from "../row-actions";

/** The Users row's actions for one member, with the same dialogs; the page is re-read after each. */
export function MemberPageActions({
  member,
  organizationSlug,
  organizationName,
  viewer,
}: {
  member: MemberActionTarget;
  organizationSlug: string;
  organizationName: string;
  viewer: { isSelf: boolean; isOwner: boolean };
}) {
  const t = useTranslations("users");
  const router = useRouter();
  const [open, setOpen] = useState<OpenAction | null>(null);
  return (
    <div className="flex flex-wrap gap-2">
      {offeredActions(member, viewer).map((action) => (
        <Button
          key={action}
          size="sm"
          variant={action === "delete" || action === "cancel" ? "danger" : "secondary"}
          aria-label={t(`actions.${rowActionLabels[action].ariaLabel}`, { name: member.name })}
          onClick={() => setOpen({ action, member })}
        >
          {t(`actions.${rowActionLabels[action].label}`)}
        </Button>
      ))}
      <MemberActionDialog
        organizationSlug={organizationSlug}
        organizationName={organizationName}
        open={open}
        onClose={() => {
          setOpen(null);
          router.refresh();
        }}
      />
    </div>
  );
}
