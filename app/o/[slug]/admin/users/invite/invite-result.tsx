"use client";

import { CheckCircle2, CircleAlert, Copy } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState, type RefObject } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import type { FailedInvitation, InvitationRun, SentInvitation } from "@/lib/invitations/create";
import type { AddressLookup } from "@/lib/invitations/lookup";
import { resultTitle } from "@/lib/validations/invitation-rules";
import { PasswordSheetDownload } from "../password-sheet-download";

type Line = SentInvitation | FailedInvitation;

/**
 * Each address's line as it arrives: the run answers once the addresses are counted against the
 * limits, and every address follows in the same response as it is done. A line that never comes
 * (the connection lost) says so.
 */
function useRunLines(run: InvitationRun): (Line | null)[] {
  const [lines, setLines] = useState<(Line | null)[]>(() => run.invitations.map(() => null));
  useEffect(() => {
    let live = true;
    run.invitations.forEach((pending, i) => {
      const settle = (line: Line) => {
        if (live) setLines((current) => current.map((l, j) => (j === i ? line : l)));
      };
      pending.then(settle, () => settle({ email: "", outcome: "failed", code: "invite-wizard.connectionLost" }));
    });
    return () => {
      live = false;
    };
  }, [run]);
  return lines;
}

/**
 * The result screen: each address's line appears as it is done, with how many are done so far;
 * then its title says how many invitations went, with one line per address (those left out on
 * the Email step included); a temporary password not emailed is shown here once, and leaving
 * before the person says it is saved asks first.
 */
export function InviteResult({
  run,
  skipped,
  organizationSlug,
  onDone,
  onInviteAnother,
}: {
  run: InvitationRun;
  skipped: AddressLookup[];
  organizationSlug: string;
  onDone: () => void;
  onInviteAnother: () => void;
}) {
  const t = useTranslations("invite-wizard");
  const tr = useTranslations();
  const format = useFormatter();
  const id = useId();
  const [saved, setSaved] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { emails } = run;
  const arrived = useRunLines(run);
  const lines = arrived.map((line, i) => (line && !line.email ? { ...line, email: emails[i] ?? "" } : line));
  const done = lines.filter((l) => l !== null).length;
  const complete = done === lines.length;
  const showsPassword = lines.some((i) => i?.outcome === "sent" && i.temporaryPassword);
  const sent = lines.filter((i) => i?.outcome === "sent").length;
  const title = resultTitle(sent, lines.length + skipped.length);
  const TitleIcon = sent === 0 ? CircleAlert : CheckCircle2;
  const guarded = showsPassword && !saved;

  // The screen may appear after its code has loaded, later than the step changed: it takes the
  // focus itself.
  useEffect(() => headingRef.current?.focus(), []);

  useLeaveConfirmation(guarded, t("leaveConfirm"), rootRef);

  return (
    <div ref={rootRef} className="space-y-5">
      <h2 ref={headingRef} tabIndex={-1} className="flex items-center gap-2 text-lg font-semibold outline-none">
        {complete ? (
          <>
            <TitleIcon aria-hidden className={cn("size-5", sent === 0 ? "text-red-600" : "text-emerald-600")} />
            {t(title.key, title.values)}
          </>
        ) : (
          t("sendingHeading")
        )}
      </h2>
      <p role="status" className="text-sm text-slate-700">
        {t("sendingProgress", { done, total: lines.length })}
      </p>
      <ul className="space-y-3" aria-busy={!complete}>
        {lines.map((line, i) =>
          line === null ? (
            <li
              key={emails[i] ?? i}
              aria-label={emails[i]}
              className="rounded-md bg-white px-4 py-3 text-sm text-slate-700 ring-1 ring-inset ring-slate-200"
            >
              <span className="font-medium">{emails[i]}</span> — {t("sending")}
            </li>
          ) : (
            <li
              key={line.email}
              aria-label={line.email}
              className={cn(
                "rounded-md px-4 py-3 text-sm ring-1 ring-inset",
                line.outcome === "sent" ? "bg-slate-50 ring-slate-200" : "bg-red-50 text-red-900 ring-red-200",
              )}
            >
              {line.outcome === "failed" ? (
                <NotSentLine email={line.email} reason={tr(line.code, line.params ?? {})} />
              ) : (
                <SentLine
                  line={line}
                  organizationSlug={organizationSlug}
                  expires={format.dateTime(new Date(line.expiresAt), { dateStyle: "long" })}
                />
              )}
            </li>
          ),
        )}
        {skipped.map((line) => (
          <li
            key={line.email}
            aria-label={line.email}
            className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-inset ring-red-200"
          >
            <NotSentLine
              email={line.email}
              reason={t(`lookup.${line.outcome}`, { organization: run.organizationName })}
            />
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
      <div className="flex flex-wrap justify-end gap-2 border-t border-slate-200 pt-4">
        <Button variant="secondary" onClick={onInviteAnother} disabled={guarded || !complete}>
          {t("inviteAnother")}
        </Button>
        <Button onClick={onDone} disabled={guarded || !complete}>
          {t("done")}
        </Button>
      </div>
    </div>
  );
}

/**
 * While `active`, leaving the page asks first: the browser's own prompt on unload, and a confirm
 * dialog on a click on any link outside `inside` (the sidebar's, the header's), which the app would
 * otherwise follow without unloading the page.
 */
function useLeaveConfirmation(active: boolean, message: string, inside: RefObject<HTMLElement | null>) {
  useEffect(() => {
    if (!active) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0) return;
      // A modified click opens another tab or window: this page and its password stay.
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!link || inside.current?.contains(link) || link.getAttribute("target") === "_blank") return;
      if (window.confirm(message)) return;
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    // Capturing on the document runs before the app's own link handling.
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [active, message, inside]);
}

function NotSentLine({ email, reason }: { email: string; reason: string }) {
  return (
    <p className="flex gap-2">
      <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-red-600" />
      <span>
        <span className="font-medium">{email}</span> — {reason}
      </span>
    </p>
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
