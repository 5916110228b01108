"use client";

import { CheckCircle2, CircleAlert, UserPlus } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { lazy, Suspense, useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import type { InvitationRun } from "@/lib/invitations/create";
import type { AddressLookup, LookupResult } from "@/lib/invitations/lookup";
import { reportAddresses, type InviteOptions } from "@/lib/validations/invitation-rules";
import type { PasswordDeliveryChoice } from "@/lib/validations/invitations";
import { lookupInviteeAction } from "./actions";
import { failureMessage } from "@/lib/action-result";

type Step = "email" | "options" | "result";
const steps: Step[] = ["email", "options", "result"];

// The Options step (react-hook-form and the form's fields) and the result screen are not needed to
// show the page: they load once the person starts typing an address, and are ready by Next.
const loadOptionsStep = () => import("./options-step");
const loadInviteResult = () => import("./invite-result");
const OptionsStep = lazy(() => loadOptionsStep().then((m) => ({ default: m.OptionsStep })));
const InviteResult = lazy(() => loadInviteResult().then((m) => ({ default: m.InviteResult })));
function preloadLaterSteps() {
  void loadOptionsStep();
  void loadInviteResult();
}

// crypto.randomUUID exists only in secure contexts; a deployment reached over plain HTTP still needs a key.
function newRunKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The Add Administrator wizard: Email (looked up on Enter), Options, Send Invite, result. Invite
 * another starts a new run from scratch, with its own idempotency key.
 */
export function InviteWizard({ organizationSlug }: { organizationSlug: string }) {
  const [run, setRun] = useState(0);
  return <WizardRun key={run} organizationSlug={organizationSlug} onInviteAnother={() => setRun((r) => r + 1)} />;
}

function WizardRun({ organizationSlug, onInviteAnother }: { organizationSlug: string; onInviteAnother: () => void }) {
  const t = useTranslations("invite-wizard");
  const tc = useTranslations("common");
  const router = useRouter();
  const usersPath = `/o/${organizationSlug}/admin/users`;
  const ids = useId();

  const [step, setStep] = useState<Step>("email");
  const [runKey] = useState(newRunKey);
  const [emails, setEmails] = useState("");
  const [lookup, setLookup] = useState<LookupResult | null>(null);
  const [checking, setChecking] = useState(false);
  const [emailError, setEmailError] = useState<string>();
  const [delivery, setDelivery] = useState<PasswordDeliveryChoice | null>(null);
  const [deliveryError, setDeliveryError] = useState<string>();
  const [confirmed, setConfirmed] = useState(false);
  const [confirmError, setConfirmError] = useState<string>();
  const [options, setOptions] = useState<InviteOptions>({
    locale: "en",
    personalMessage: "",
    accessExpiry: "",
    external: false,
    privileged: false,
  });
  // Once the person picks the language, a later lookup no longer presets it.
  const [localeChosen, setLocaleChosen] = useState(false);
  const [result, setResult] = useState<InvitationRun | null>(null);

  const headingRef = useRef<HTMLHeadingElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const deliveryRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);
  const shownStep = useRef<Step>("email");

  // On arrival the Email field has the focus; coming Back to the step, its heading does (the other
  // steps focus their own heading as they appear). Development runs this effect twice on arrival:
  // comparing with the step shown before, not counting runs, keeps the focus on the field there.
  useEffect(() => {
    if (step === "email") (shownStep.current === "email" ? emailRef : headingRef).current?.focus();
    shownStep.current = step;
  }, [step]);

  const leave = useCallback(() => router.push(usersPath), [router, usersPath]);

  useEffect(() => {
    if (step === "result") return;
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented) leave();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [step, leave]);

  const report = lookup ? reportAddresses(emails, lookup.addresses) : null;
  const needsDelivery = Boolean(
    lookup && lookup.passwordPolicy === "ask" && lookup.addresses.some((a) => a.outcome === "new"),
  );

  async function check(): Promise<LookupResult | null> {
    preloadLaterSteps();
    setEmailError(undefined);
    setChecking(true);
    try {
      const response = await lookupInviteeAction(organizationSlug, { emails });
      if (!response.ok) {
        setLookup(null);
        setEmailError(response.fieldErrors?.emails?.join(" ") ?? failureMessage(response));
        emailRef.current?.focus();
        return null;
      }
      setLookup(response.data);
      // The language of the accounts being invited, when they all have one: refused addresses aside.
      const invitable = reportAddresses(emails, response.data.addresses).invitable;
      const existing = invitable.filter((a) => a.outcome === "existing");
      const accountLocale = existing.length === invitable.length ? existing[0]?.accountLocale : null;
      if (!localeChosen)
        setOptions((current) => ({ ...current, locale: accountLocale ?? response.data.defaultLocale }));
      return response.data;
    } finally {
      setChecking(false);
    }
  }

  async function next() {
    const current = lookup ?? (await check());
    if (!current) return;
    const verdict = reportAddresses(emails, current.addresses);
    if (verdict.invitable.length === 0) {
      emailRef.current?.focus();
      return;
    }
    if (verdict.needsConfirmation && !confirmed) {
      setConfirmError(t("confirmRequired"));
      confirmRef.current?.focus();
      return;
    }
    if (current.passwordPolicy === "ask" && current.addresses.some((a) => a.outcome === "new") && !delivery) {
      setDeliveryError(t("deliveryRequired"));
      deliveryRef.current?.focus();
      return;
    }
    setStep("options");
  }

  function onEmailKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    void check();
  }

  function back(current: InviteOptions, changedLocale: boolean) {
    setOptions(current);
    if (changedLocale) setLocaleChosen(true);
    setStep("email");
  }

  function sent(response: InvitationRun) {
    setResult(response);
    setStep("result");
  }

  function done() {
    setResult(null);
    router.push(usersPath);
  }

  const refused = report?.refused ?? [];
  const lookupLines = (addresses: AddressLookup[], organizationName: string) => (
    <ul className="space-y-2">
      {addresses.map((a) => (
        <LookupLine key={a.email} address={a} organizationName={organizationName} usersPath={usersPath} />
      ))}
    </ul>
  );
  const emailInvalid = Boolean(emailError) || refused.length > 0;
  const emailDescribedBy = [`${ids}-email-hint`, emailInvalid ? `${ids}-email-errors` : null].filter(Boolean).join(" ");

  return (
    <div className="max-w-2xl">
      <h1 className="flex items-center gap-2 text-2xl font-semibold">
        <UserPlus aria-hidden className="size-6 text-indigo-600" />
        {t("title")}
      </h1>
      <ol aria-label={t("progress")} className="mt-4 flex gap-2 text-sm">
        {steps.map((s, i) => (
          <li
            key={s}
            aria-current={s === step ? "step" : undefined}
            className={cn(
              "flex items-center gap-2 rounded-full px-3 py-1 ring-1 ring-inset",
              s === step
                ? "bg-indigo-600 text-white ring-indigo-600"
                : steps.indexOf(step) > i
                  ? "bg-indigo-50 text-indigo-900 ring-indigo-200"
                  : "text-slate-600 ring-slate-300",
            )}
          >
            <span aria-hidden>{i + 1}</span>
            {t(`steps.${s}`)}
          </li>
        ))}
      </ol>

      <Card className="mt-6">
        {step === "email" && (
          <div className="space-y-5">
            <h2 ref={headingRef} tabIndex={-1} className="text-lg font-semibold outline-none">
              {t("emailHeading")}
            </h2>
            <div className="space-y-1.5">
              <label htmlFor={`${ids}-email`} className="block text-sm font-medium text-slate-900">
                {t("email")}
              </label>
              <div className="flex gap-2">
                <Input
                  ref={emailRef}
                  id={`${ids}-email`}
                  type="text"
                  inputMode="email"
                  autoComplete="off"
                  spellCheck={false}
                  value={emails}
                  aria-invalid={emailInvalid || undefined}
                  aria-describedby={emailDescribedBy}
                  onChange={(e) => {
                    preloadLaterSteps();
                    setEmails(e.target.value);
                    setLookup(null);
                    setEmailError(undefined);
                    setConfirmed(false);
                    setConfirmError(undefined);
                  }}
                  onKeyDown={onEmailKeyDown}
                />
                <Button variant="secondary" onClick={() => void check()} disabled={checking}>
                  {checking ? tc("loading") : t("check")}
                </Button>
              </div>
              <p id={`${ids}-email-hint`} className="text-xs text-slate-600">
                {t("emailHint")}
              </p>
            </div>

            <div aria-live="polite" className="space-y-3">
              {emailError && (
                <p id={`${ids}-email-errors`} className="text-sm text-red-700">
                  {emailError}
                </p>
              )}
              {lookup && report && refused.length > 0 && (
                <div id={`${ids}-email-errors`} className="space-y-2">
                  <p className="text-sm font-medium text-red-800">
                    {t("refusedSummary", { count: refused.length, total: lookup.addresses.length })}
                  </p>
                  {lookupLines(refused, lookup.organizationName)}
                </div>
              )}
              {report && report.repeated.length > 0 && (
                <ul className="space-y-1 text-sm text-slate-700">
                  {report.repeated.map((r) => (
                    <li key={r.email}>{t("repeated", { email: r.email, times: r.times })}</li>
                  ))}
                </ul>
              )}
              {lookup &&
                report &&
                report.invitable.length > 0 &&
                lookupLines(report.invitable, lookup.organizationName)}
            </div>

            {report?.needsConfirmation && (
              <div className="space-y-1">
                <label className="flex items-center gap-2 text-sm font-medium text-slate-900">
                  <input
                    ref={confirmRef}
                    type="checkbox"
                    checked={confirmed}
                    aria-describedby={confirmError ? `${ids}-confirm-error` : undefined}
                    onChange={(e) => {
                      setConfirmed(e.target.checked);
                      setConfirmError(undefined);
                    }}
                    className="size-4 accent-indigo-600"
                  />
                  {t("confirmValid", { count: report.invitable.length })}
                </label>
                <p id={`${ids}-confirm-error`} role="alert" className="text-sm text-red-700">
                  {confirmError}
                </p>
              </div>
            )}

            {lookup && needsDelivery && (
              <fieldset className="space-y-2" aria-describedby={deliveryError ? `${ids}-delivery-error` : undefined}>
                <legend className="text-sm font-medium text-slate-900">{t("deliveryLegend")}</legend>
                {(["email", "manual"] as const).map((choice, i) => (
                  <label key={choice} className="flex items-center gap-2 text-sm">
                    <input
                      ref={i === 0 ? deliveryRef : undefined}
                      type="radio"
                      name="passwordDelivery"
                      value={choice}
                      checked={delivery === choice}
                      onChange={() => {
                        setDelivery(choice);
                        setDeliveryError(undefined);
                      }}
                      className="size-4 accent-indigo-600"
                    />
                    {t(choice === "email" ? "deliveryEmail" : "deliveryManual")}
                  </label>
                ))}
                <p id={`${ids}-delivery-error`} role="alert" className="text-sm text-red-700">
                  {deliveryError}
                </p>
              </fieldset>
            )}
            {lookup && !needsDelivery && lookup.addresses.some((a) => a.outcome === "new") && (
              <p className="text-sm text-slate-700">
                {t(lookup.passwordPolicy === "send" ? "policySend" : "policyNotSend")}
              </p>
            )}

            <div className="flex justify-between gap-2 border-t border-slate-200 pt-4">
              <Button variant="ghost" asChild>
                <Link href={usersPath}>{tc("cancel")}</Link>
              </Button>
              <Button onClick={() => void next()} disabled={checking}>
                {tc("next")}
              </Button>
            </div>
          </div>
        )}

        <Suspense fallback={<p className="text-sm text-slate-600">{tc("loading")}</p>}>
          {step === "options" && (
            <OptionsStep
              organizationSlug={organizationSlug}
              usersPath={usersPath}
              runKey={runKey}
              emails={report?.invitable.map((a) => a.email) ?? []}
              passwordDelivery={needsDelivery ? delivery : null}
              initialOptions={options}
              onBack={back}
              onSent={sent}
            />
          )}
          {step === "result" && result && (
            <InviteResult
              run={result}
              skipped={refused}
              organizationSlug={organizationSlug}
              onDone={done}
              onInviteAnother={onInviteAnother}
            />
          )}
        </Suspense>
      </Card>
    </div>
  );
}

function LookupLine({
  address,
  organizationName,
  usersPath,
}: {
  address: AddressLookup;
  organizationName: string;
  usersPath: string;
}) {
  const t = useTranslations("invite-wizard");
  const ok = address.outcome === "existing" || address.outcome === "new";
  const Icon = ok ? CheckCircle2 : CircleAlert;
  return (
    <li
      className={cn(
        "flex gap-2 rounded-md px-3 py-2 text-sm ring-1 ring-inset",
        ok ? "bg-slate-50 text-slate-900 ring-slate-200" : "bg-red-50 text-red-900 ring-red-200",
      )}
    >
      <Icon aria-hidden className={cn("mt-0.5 size-4 shrink-0", ok ? "text-emerald-600" : "text-red-600")} />
      <div>
        <p className="font-medium">
          {address.email}
          {address.outcome === "existing" && address.accountName !== undefined && (
            <span className="font-normal text-slate-600"> · {address.accountName}</span>
          )}
        </p>
        <p>
          {address.outcome === "existing" && t("lookup.existing", { organization: organizationName })}
          {address.outcome === "new" && t("lookup.new")}
          {address.outcome === "member" && t("lookup.member", { organization: organizationName })}
          {address.outcome === "pending" && t("lookup.pending")}
          {address.outcome === "invalid" && t("lookup.invalid")}
          {address.outcome === "domainNotAllowed" && t("lookup.domainNotAllowed")}
        </p>
        {address.outcome === "pending" && (
          <Link
            href={`${usersPath}?q=${encodeURIComponent(address.email)}`}
            className="mt-1 inline-block font-medium text-indigo-700 underline"
          >
            {t("lookup.reinvite")}
          </Link>
        )}
      </div>
    </li>
  );
}
