"use client";

import { CheckCircle2, CircleAlert, UserPlus } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useForm, useWatch, type FieldErrors, type Resolver } from "react-hook-form";
import { FormError } from "@/components/forms/form-error";
import { applyActionErrors, useValidationMessage } from "@/components/forms/use-action-errors";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Field } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import type { SendInvitationsResult } from "@/lib/invitations/create";
import type { AddressLookup, LookupResult } from "@/lib/invitations/lookup";
import { inviteOptionsIssues, PERSONAL_MESSAGE_MAX, type InviteOptions } from "@/lib/validations/invitation-rules";
import type { PasswordDeliveryChoice } from "@/lib/validations/invitations";
import { lookupInviteeAction, sendInviteAction } from "./actions";
import { InviteResult } from "./invite-result";

type Step = "email" | "options" | "result";
const steps: Step[] = ["email", "options", "result"];
const optionFields = ["options.locale", "options.personalMessage", "options.accessExpiry", "options.external", "options.privileged"] as const;

type OptionsForm = { options: InviteOptions };

// The server's schema applies the same rules; the browser skips the schema library to stay light.
const optionsResolver: Resolver<OptionsForm> = async (values) => {
  const issues = inviteOptionsIssues(values.options);
  if (issues.length === 0) return { values, errors: {} };
  const options = Object.fromEntries(issues.map((i) => [i.field, { type: "validate", message: i.message }]));
  return { values: {}, errors: { options } as FieldErrors<OptionsForm> };
};

const isError = (a: AddressLookup) => a.outcome !== "existing" && a.outcome !== "new";

// crypto.randomUUID exists only in secure contexts; a deployment reached over plain HTTP still needs a key.
function newRunKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The Add Administrator wizard: Email (looked up on Enter), Options, Send Invite, result. */
export function InviteWizard({ organizationSlug }: { organizationSlug: string }) {
  const t = useTranslations("invite-wizard");
  const tc = useTranslations("common");
  const tr = useTranslations();
  const tv = useValidationMessage();
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
  const [sendError, setSendError] = useState<string>();
  const [result, setResult] = useState<SendInvitationsResult | null>(null);

  const headingRef = useRef<HTMLHeadingElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const deliveryRef = useRef<HTMLInputElement>(null);
  const firstRender = useRef(true);

  const form = useForm<OptionsForm>({
    resolver: optionsResolver,
    defaultValues: { options: { locale: "en", personalMessage: "", accessExpiry: "", external: false, privileged: false } },
  });
  const { register, handleSubmit, setError, setValue, control, formState } = form;
  const optionErrors = formState.errors.options;

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      emailRef.current?.focus();
      return;
    }
    headingRef.current?.focus();
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

  const needsDelivery = Boolean(lookup && lookup.passwordPolicy === "ask" && lookup.addresses.some((a) => a.outcome === "new"));

  async function check(): Promise<LookupResult | null> {
    setEmailError(undefined);
    setChecking(true);
    try {
      const response = await lookupInviteeAction(organizationSlug, { emails });
      if (!response.ok) {
        setLookup(null);
        setEmailError(response.fieldErrors?.emails?.join(" ") ?? response.formError ?? Object.values(response.fieldErrors ?? {}).flat().join(" "));
        emailRef.current?.focus();
        return null;
      }
      setLookup(response.data);
      const existing = response.data.addresses.filter((a) => a.outcome === "existing");
      const accountLocale = existing.length === response.data.addresses.length ? existing[0]?.accountLocale : null;
      if (!formState.dirtyFields.options?.locale) setValue("options.locale", accountLocale ?? response.data.defaultLocale);
      return response.data;
    } finally {
      setChecking(false);
    }
  }

  async function next() {
    const current = lookup ?? (await check());
    if (!current) return;
    if (current.addresses.some(isError)) {
      emailRef.current?.focus();
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

  const send = handleSubmit(async (values) => {
    setSendError(undefined);
    const response = await sendInviteAction(organizationSlug, {
      idempotencyKey: runKey,
      emails,
      passwordDelivery: needsDelivery ? delivery : null,
      options: values.options,
    });
    if (!response.ok) {
      setSendError(applyActionErrors(response, setError, optionFields));
      return;
    }
    const sent = response.data.invitations.filter((i) => i.outcome === "sent");
    if (sent.length === 0) {
      setSendError(response.data.invitations.map((i) => (i.outcome === "failed" ? `${i.email}: ${tr(i.code, i.params ?? {})}` : "")).join(" "));
      return;
    }
    setResult(response.data);
    setStep("result");
  });

  function done() {
    setResult(null);
    router.push(usersPath);
  }

  const lookupErrors = lookup?.addresses.filter(isError) ?? [];
  const emailInvalid = Boolean(emailError) || lookupErrors.length > 0;
  const emailDescribedBy = [`${ids}-email-hint`, emailInvalid ? `${ids}-email-errors` : null].filter(Boolean).join(" ");
  const messageLength = useWatch({ control, name: "options.personalMessage" })?.length ?? 0;

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
              s === step ? "bg-indigo-600 text-white ring-indigo-600" : steps.indexOf(step) > i ? "bg-indigo-50 text-indigo-900 ring-indigo-200" : "text-slate-600 ring-slate-300",
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
                    setEmails(e.target.value);
                    setLookup(null);
                    setEmailError(undefined);
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
              {lookup && (
                <ul id={lookupErrors.length ? `${ids}-email-errors` : undefined} className="space-y-2">
                  {lookup.addresses.map((a) => (
                    <LookupLine key={a.email} address={a} organizationName={lookup.organizationName} usersPath={usersPath} />
                  ))}
                </ul>
              )}
            </div>

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
              <p className="text-sm text-slate-700">{t(lookup.passwordPolicy === "send" ? "policySend" : "policyNotSend")}</p>
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

        {step === "options" && (
          <form method="post" onSubmit={send} noValidate className="space-y-5">
            <h2 ref={headingRef} tabIndex={-1} className="text-lg font-semibold outline-none">
              {t("optionsHeading")}
            </h2>
            <p className="text-sm text-slate-600">{t("optionsIntro", { count: lookup?.addresses.length ?? 0, emails: lookup?.addresses.map((a) => a.email).join(", ") ?? "" })}</p>
            <FormError message={sendError} />
            <Field label={t("language")} error={tv(optionErrors?.locale?.message)}>
              <Select {...register("options.locale")}>
                <option value="en">{tc("english")}</option>
                <option value="fr">{tc("french")}</option>
              </Select>
            </Field>
            <Field label={t("personalMessage")} hint={t("personalMessageHint", { count: messageLength, max: PERSONAL_MESSAGE_MAX })} error={tv(optionErrors?.personalMessage?.message)}>
              <Textarea maxLength={PERSONAL_MESSAGE_MAX} {...register("options.personalMessage")} />
            </Field>
            <Field label={t("accessExpiry")} hint={t("accessExpiryHint")} error={tv(optionErrors?.accessExpiry?.message)}>
              <Input type="date" min={today()} className="w-auto" {...register("options.accessExpiry")} />
            </Field>
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-slate-900">{t("tags")}</legend>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" className="size-4 accent-indigo-600" {...register("options.external")} />
                {t("external")}
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" className="size-4 accent-indigo-600" aria-describedby={`${ids}-privileged-hint`} {...register("options.privileged")} />
                {t("privileged")}
              </label>
              <p id={`${ids}-privileged-hint`} className="text-xs text-slate-600">
                {t("privilegedHint")}
              </p>
            </fieldset>
            <div className="flex flex-wrap justify-between gap-2 border-t border-slate-200 pt-4">
              <div className="flex gap-2">
                <Button variant="ghost" asChild>
                  <Link href={usersPath}>{tc("cancel")}</Link>
                </Button>
                <Button variant="secondary" onClick={() => setStep("email")}>
                  {tc("back")}
                </Button>
              </div>
              <Button type="submit" disabled={formState.isSubmitting}>
                {formState.isSubmitting ? t("sending") : t("sendInvite")}
              </Button>
            </div>
          </form>
        )}

        {step === "result" && result && <InviteResult result={result} organizationSlug={organizationSlug} headingRef={headingRef} onDone={done} />}
      </Card>
    </div>
  );
}

function LookupLine({ address, organizationName, usersPath }: { address: AddressLookup; organizationName: string; usersPath: string }) {
  const t = useTranslations("invite-wizard");
  const ok = !isError(address);
  const Icon = ok ? CheckCircle2 : CircleAlert;
  return (
    <li className={cn("flex gap-2 rounded-md px-3 py-2 text-sm ring-1 ring-inset", ok ? "bg-slate-50 text-slate-900 ring-slate-200" : "bg-red-50 text-red-900 ring-red-200")}>
      <Icon aria-hidden className={cn("mt-0.5 size-4 shrink-0", ok ? "text-emerald-600" : "text-red-600")} />
      <div>
        <p className="font-medium">
          {address.email}
          {address.outcome === "existing" && <span className="font-normal text-slate-600"> · {address.accountName}</span>}
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
          <Link href={`${usersPath}?q=${encodeURIComponent(address.email)}`} className="mt-1 inline-block font-medium text-indigo-700 underline">
            {t("lookup.reinvite")}
          </Link>
        )}
      </div>
    </li>
  );
}
