"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { FormError } from "@/components/forms/form-error";
import { Button } from "@/components/ui/button";
import { failureMessage, type ActionResult } from "@/lib/action-result";
import { acceptInvitationAction, declineInvitationAction } from "../actions";
import { useRefreshWhenStale } from "./use-state-refresh";

/** Signed in as the invited account: Accept invitation, or Decline. */
export function AcceptPanel({ invitationId, invitationKey }: { invitationId: string; invitationKey: string }) {
  const t = useTranslations("invite");
  const router = useRouter();
  const refreshWhenStale = useRefreshWhenStale();
  const [formError, setFormError] = useState<string>();
  const [pending, start] = useTransition();
  const [running, setRunning] = useState<"accept" | "decline">();

  const run = (which: "accept" | "decline") =>
    start(async () => {
      setRunning(which);
      setFormError(undefined);
      const input = { invitationId, key: invitationKey };
      const result: ActionResult<unknown> | undefined =
        which === "accept" ? await acceptInvitationAction(input) : await declineInvitationAction(input);
      if (result && !result.ok) {
        setFormError(failureMessage(result));
        refreshWhenStale(result);
      } else if (which === "decline") {
        router.refresh();
      }
    });

  return (
    <div className="mt-6 space-y-4">
      <FormError message={formError} />
      <div className="flex flex-wrap gap-3">
        <Button onClick={() => run("accept")} disabled={pending}>
          {pending && running === "accept" ? t("accepting") : t("accept")}
        </Button>
        <Button variant="secondary" onClick={() => run("decline")} disabled={pending}>
          {pending && running === "decline" ? t("declining") : t("decline")}
        </Button>
      </div>
    </div>
  );
}
