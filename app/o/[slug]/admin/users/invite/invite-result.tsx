"use client";

import { CheckCircle2, CircleAlert, Copy } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import type { SendInvitationsResult, SentInvitation } from "@/lib/invitations/create";
import { PasswordSheetDownload } from "../password-sheet-download";

/** The result screen: one line per address; a temporary password not emailed is shown here once. */
export function InviteResult({
  result,
  organizationSlug,
  onDone,
}: {
  result: SendInvitationsResult;
  organizationSlug: string;
  onDone: () => void;
}) {
  const t = useTranslations("invite-wizard");
  const tr = useTranslations();
  const format = useFormatter();
  const id = useId();
  const [saved, setSaved] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const showsPassword = result.invitations.some((i) => i.outcome === "sent" && i.temporaryPassword);

  // The screen may appear after its code has loaded, later than the step changed: it takes the
  // focus itself.
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <div className="space-y-5">
      <h2 ref={headingRef} tabIndex={-1} className="flex items-center gap-2 text-lg font-semibold outline-none">
        <CheckCircle2 aria-hidden className="size-5 text-emerald-600" />
        {t("sent")}
      </h2>
      <ul className="space-y-3">
        {result.invitations.map((line) => (
          <li
            key={line.email}
            aria-label={line.email}
            className={cn(
              "rounded-md px-4 py-3 text-sm ring-1 ring-inset",
              line.outcome === "sent" ? "bg-slate-50 ring-slate-200" : "bg-red-50 text-red-900 ring-red-200",
            )}
          >
            {line.outcome === "failed" ? (
              <p className="flex gap-2">
                <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-red-600" />
                <span>
                  <span className="font-medium">{line.email}</span> — {tr(line.code, line.params ?? {})}
                </span>
              </p>
            ) : (
              <SentLine
                line={line}
                organizationSlug={organizationSlug}
                expires={format.dateTime(new Date(line.expiresAt), { dateStyle: "long" })}
              />
            )}
          </li>
        ))}
      </ul>
      {showsPassword && (
        <label className="flex items-start gap-2 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-inset ring-amber-200">
          <input
            type="checkbox"
            checked={saved}
            onChange={(e) => setSaved(e.target.checked)}
            className="mt-0.5 size-4 accent-indigo-600"
            aria-describedby={`${id}-saved-hint`}
          />
          <span>
            <span className="font-medium">{t("savedConfirm")}</span>
            <span id={`${id}-saved-hint`} className="block text-amber-900">
              {t("savedHint")}
            </span>
          </span>
        </label>
      )}
      <div className="flex justify-end border-t border-slate-200 pt-4">
        <Button onClick={onDone} disabled={showsPassword && !saved}>
          {t("done")}
        </Button>
      </div>
    </div>
  );
}

function SentLine({
  line,
  organizationSlug,
  expires,
}: {
  line: SentInvitation;
  organizationSlug: string;
  expires: string;
}) {
  const t = useTranslations("invite-wizard");
  const id = useId();
  const [copied, setCopied] = useState(false);
  const [downloaded, setDownloaded] = useState(false);

  async function copy(text: string) {
    await navigator.clipboard.writeText(text);
    setCopied(true);
  }

  return (
    <div className="space-y-2">
      <p className="flex gap-2">
        <CheckCircle2 aria-hidden className="mt-0.5 size-4 shrink-0 text-emerald-600" />
        <span>
          <span className="font-medium">{line.email}</span> — {t("sentLine", { date: expires })}{" "}
          {t(line.accountCreated ? "accountCreated" : "accountLinked")}
        </span>
      </p>
      {line.passwordDelivery === "email" && <p className="text-slate-700">{t("passwordEmailed")}</p>}
      {line.passwordDelivery === "manual" && !line.temporaryPassword && (
        <p className="text-slate-700">{t("passwordAlreadyShown")}</p>
      )}
      {line.temporaryPassword && (
        <div className="space-y-2 rounded-md bg-white p-3 ring-1 ring-slate-200">
          <label htmlFor={`${id}-password`} className="block text-sm font-medium text-slate-900">
            {t("temporaryPassword")}
          </label>
          <div className="flex flex-wrap gap-2">
            <Input
              id={`${id}-password`}
              readOnly
              value={line.temporaryPassword}
              aria-describedby={`${id}-password-hint`}
              className="w-auto grow font-mono tracking-wider"
              onFocus={(e) => e.currentTarget.select()}
            />
            <Button variant="secondary" onClick={() => void copy(line.temporaryPassword ?? "")}>
              <Copy aria-hidden className="size-4" />
              {t("copy")}
            </Button>
            {line.passwordSheetToken && (
              <PasswordSheetDownload
                organizationSlug={organizationSlug}
                token={line.passwordSheetToken}
                label={t("downloadPdf")}
                downloaded={downloaded}
                onDownload={() => setDownloaded(true)}
              />
            )}
          </div>
          <p id={`${id}-password-hint`} className="text-xs text-slate-600">
            {t("temporaryPasswordHint")}
          </p>
          <p aria-live="polite" className="text-xs text-emerald-800">
            {copied ? t("copied") : ""} {downloaded ? t("downloadedOnce") : ""}
          </p>
        </div>
      )}
    </div>
  );
}
