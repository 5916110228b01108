"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogContent } from "@/components/ui/dialog";
import { failureMessage, type ActionResult } from "@/lib/action-result";
import type { ReinvitePreview } from "@/lib/invitations/manage";
import { passwordDeliveryChoices, type PasswordDeliveryChoice } from "@/lib/validations/invitations";
import { previewReinviteAction, reinviteAction } from "./actions";
import { ConfirmDialogContent } from "@/components/ui/confirm-dialog";
import { PasswordSheetDownload } from "./password-sheet-download";
import { TemporaryPassword } from "./temporary-password";

export type Reinvited = {
  passwordDelivery: "email" | "manual" | null;
  temporaryPassword: string | null;
  passwordSheetToken: string | null;
};

const noticeFor = {
  send: "reinviteNewPasswordEmail",
  not_send: "reinviteNewPasswordManual",
  ask: "reinviteNewPasswordAsk",
} as const;

/**
 * The re-invite confirmation. It first asks the server what the re-invite would do: when a new
 * temporary password goes out, it says how (System Settings – General, as they are now) or, when
 * the settings say Ask, offers the wizard's choice. The server decides again when it sends.
 */
export function ReinviteDialogContent({
  organizationSlug,
  invitationId,
  name,
  email,
  onDone,
}: {
  organizationSlug: string;
  invitationId: string;
  name: string;
  email: string;
  onDone: (result: Reinvited) => void;
}) {
  const t = useTranslations("users.actions");
  const id = useId();
  const [preview, setPreview] = useState<ActionResult<ReinvitePreview> | null>(null);
  const [delivery, setDelivery] = useState<PasswordDeliveryChoice | null>(null);

  useEffect(() => {
    let current = true;
    void previewReinviteAction(organizationSlug, { invitationId }).then((result) => {
      if (current) setPreview(result);
    });
    return () => {
      current = false;
    };
  }, [organizationSlug, invitationId]);

  const policy = preview?.ok && preview.data.issuesTemporaryPassword ? preview.data.passwordPolicy : null;

  async function run(): Promise<ActionResult<Reinvited>> {
    if (policy === "ask" && !delivery)
      return { ok: false, code: "validation", fieldErrors: { passwordDelivery: [t("deliveryRequired")] } };
    return reinviteAction(organizationSlug, { invitationId, passwordDelivery: delivery });
  }

  return (
    <ConfirmDialogContent
      title={t("reinviteTitle", { name })}
      description={t("reinviteBody", { email })}
      confirmLabel={t("reinvite")}
      disabled={!preview?.ok}
      run={run}
      onDone={onDone}
    >
      {preview && !preview.ok && (
        <p role="alert" className="mb-3 text-sm text-red-700">
          {failureMessage(preview)}
        </p>
      )}
      {policy && <p className="mb-3 text-sm text-slate-700">{t(noticeFor[policy])}</p>}
      {policy === "ask" && (
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-900">{t("deliveryLegend")}</legend>
          {passwordDeliveryChoices.map((choice) => (
            <label key={choice} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name={`${id}-delivery`}
                value={choice}
                checked={delivery === choice}
                onChange={() => setDelivery(choice)}
                className="size-4 accent-indigo-600"
              />
              {t(choice === "email" ? "deliveryEmail" : "deliveryManual")}
            </label>
          ))}
        </fieldset>
      )}
    </ConfirmDialogContent>
  );
}

/** After a re-invite: what happened to the temporary password, shown once when handed over. */
export function ReinvitedContent({
  organizationSlug,
  name,
  email,
  result,
}: {
  organizationSlug: string;
  name: string;
  email: string;
  result: Reinvited;
}) {
  const t = useTranslations("users.actions");
  const [downloaded, setDownloaded] = useState(false);
  return (
    <DialogContent title={t("reinviteDone")} description={t("reinviteDoneBody", { email })}>
      {result.passwordDelivery === "email" && <p className="text-sm text-slate-700">{t("reinvitePasswordEmailed")}</p>}
      {result.temporaryPassword && (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">{t("temporaryPasswordIntro", { name })}</p>
          <TemporaryPassword password={result.temporaryPassword} />
          {result.passwordSheetToken && (
            <PasswordSheetDownload
              organizationSlug={organizationSlug}
              token={result.passwordSheetToken}
              label={t("downloadPdf")}
              downloaded={downloaded}
              onDownload={() => setDownloaded(true)}
            />
          )}
          <p aria-live="polite" className="text-xs text-slate-600">
            {downloaded ? t("downloadedOnce") : t("temporaryPasswordHint")}
          </p>
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
