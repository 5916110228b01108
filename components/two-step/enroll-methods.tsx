"use client";

import { browserSupportsWebAuthn, startRegistration } from "@simplewebauthn/browser";
import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import { FormError } from "@/components/forms/form-error";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import {
  confirmTotpAction,
  passkeyOptionsAction,
  registerPasskeyAction,
  startTotpAction,
  type EnrolledFactor,
} from "@/app/two-step/setup/actions";
import { failureMessage } from "@/lib/action-result";
import type { TotpEnrollment } from "@/lib/two-step/totp-enrollment";

/**
 * "Set up authenticator app" (QR code, key, Code (6 digits), Verify) and "Add a passkey" (the
 * browser's own dialog). Calls `onEnrolled` with the new factor and, for a first factor, its
 * recovery codes.
 */
export function EnrollMethods({ onEnrolled }: { onEnrolled: (factor: EnrolledFactor) => void }) {
  const t = useTranslations("two-step");
  const id = useId();
  const [totp, setTotp] = useState<TotpEnrollment | null>(null);
  const [code, setCode] = useState("");
  const [codeError, setCodeError] = useState<string>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [pending, setPending] = useState<"totp" | "passkey" | "verify" | null>(null);

  async function startTotp() {
    setError(undefined);
    setPending("totp");
    const result = await startTotpAction();
    setPending(null);
    if (!result.ok) return setError(failureMessage(result));
    setTotp(result.data);
    setCode("");
    setCodeError(undefined);
  }

  async function verify(event: FormEvent) {
    event.preventDefault();
    if (!totp) return;
    const typed = code.replace(/\s+/g, "");
    if (!/^\d{6}$/.test(typed)) return setCodeError(t("codeShape"));
    setCodeError(undefined);
    setError(undefined);
    setPending("verify");
    const result = await confirmTotpAction({ factorId: totp.factorId, code: typed });
    setPending(null);
    if (result.ok) {
      setTotp(null);
      return onEnrolled(result.data);
    }
    if (result.fieldErrors?.code) setCodeError(result.fieldErrors.code.join(" "));
    else setError(failureMessage(result));
  }

  async function addPasskey() {
    setError(undefined);
    if (!browserSupportsWebAuthn()) return setError(t("passkeyUnsupported"));
    setPending("passkey");
    try {
      const ceremony = await passkeyOptionsAction();
      if (!ceremony.ok) return setError(failureMessage(ceremony));
      setStatus(t("passkeyWaiting"));
      let response;
      try {
        response = await startRegistration({ optionsJSON: ceremony.data.options });
      } catch {
        return setError(t("passkeyCancelled"));
      }
      const result = await registerPasskeyAction({ response, state: ceremony.data.state });
      if (!result.ok) return setError(failureMessage(result));
      setTotp(null);
      onEnrolled(result.data);
    } finally {
      setStatus(undefined);
      setPending(null);
    }
  }

  return (
    <div className="mt-6 space-y-4">
      <FormError message={error} />
      <p aria-live="polite" className={status ? "text-sm text-slate-700" : "sr-only"}>
        {status}
      </p>
      <div className="flex flex-wrap gap-3">
        <Button variant={totp ? "secondary" : "primary"} onClick={startTotp} disabled={pending !== null}>
          {pending === "totp" ? t("starting") : t("setUpAuthenticator")}
        </Button>
        <Button variant="secondary" onClick={addPasskey} disabled={pending !== null}>
          {pending === "passkey" ? t("starting") : t("addPasskey")}
        </Button>
      </div>
      {totp && (
        <section aria-labelledby={`${id}-totp`} className="space-y-4 rounded-md p-4 ring-1 ring-slate-200">
          <h2 id={`${id}-totp`} className="text-lg font-semibold">
            {t("authenticatorTitle")}
          </h2>
          <p className="text-sm text-slate-700">{t("scanIntro")}</p>
          <div
            role="img"
            aria-label={t("qrLabel")}
            className="h-48 w-48 bg-white [&>svg]:h-full [&>svg]:w-full"
            // The SVG is drawn on the server by the qrcode package from our own otpauth:// URI.
            dangerouslySetInnerHTML={{ __html: totp.qrSvg }}
          />
          <div>
            <p id={`${id}-secret-label`} className="text-sm font-medium text-slate-900">
              {t("secretLabel")}
            </p>
            <code aria-labelledby={`${id}-secret-label`} className="mt-1 block font-mono text-sm break-all">
              {totp.secret}
            </code>
            <p className="mt-1 text-xs text-slate-600">{t("secretHint")}</p>
          </div>
          <form method="post" onSubmit={verify} noValidate className="space-y-4">
            <Field label={t("code")} hint={t("codeHint")} error={codeError}>
              <Input
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={7}
                autoFocus
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </Field>
            <Button type="submit" disabled={pending !== null}>
              {pending === "verify" ? t("verifying") : t("verify")}
            </Button>
          </form>
        </section>
      )}
    </div>
  );
}
