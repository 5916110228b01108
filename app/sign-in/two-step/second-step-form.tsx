"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { browserSupportsWebAuthn, startAuthentication } from "@simplewebauthn/browser";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormError } from "@/components/forms/form-error";
import { applyActionErrors, useValidationMessage } from "@/components/forms/use-action-errors";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/action-result";
import { recoveryProofSchema, totpProofSchema, type CodeProofInput } from "@/lib/validations/second-step";
import { secondStepPasskeyOptionsAction, verifySecondStepAction } from "./actions";

type Method = "totp" | "recovery";

function failureMessage(result: Extract<ActionResult<unknown>, { ok: false }>): string | undefined {
  return [result.formError, ...Object.values(result.fieldErrors ?? {}).flat()].filter(Boolean).join(" ") || undefined;
}

/** The second step: the authenticator's code, a recovery code, or a passkey, as the account has them. */
export function SecondStepForm({ totp, passkey, recovery }: { totp: boolean; passkey: boolean; recovery: boolean }) {
  const t = useTranslations("auth");
  const [method, setMethod] = useState<Method | null>(totp ? "totp" : null);
  const [passkeyError, setPasskeyError] = useState<string>();
  const [waiting, setWaiting] = useState(false);

  async function verifyWithPasskey() {
    setPasskeyError(undefined);
    if (!browserSupportsWebAuthn()) return setPasskeyError(t("secondStep.passkeyUnsupported"));
    setWaiting(true);
    try {
      const ceremony = await secondStepPasskeyOptionsAction();
      if (!ceremony.ok) return setPasskeyError(failureMessage(ceremony));
      let response: Awaited<ReturnType<typeof startAuthentication>>;
      try {
        response = await startAuthentication({ optionsJSON: ceremony.data.options });
      } catch {
        return setPasskeyError(t("secondStep.passkeyCancelled"));
      }
      const result = await verifySecondStepAction({ method: "passkey", response, state: ceremony.data.state });
      if (result && !result.ok) setPasskeyError(failureMessage(result));
    } finally {
      setWaiting(false);
    }
  }

  return (
    <div className="mt-4 space-y-4">
      <p className="text-sm text-slate-700">
        {method === "recovery"
          ? t("secondStep.recoveryHint")
          : method === "totp"
            ? t("secondStep.introTotp")
            : t("secondStep.introPasskey")}
      </p>
      <FormError message={passkeyError} />
      {method && <CodeForm key={method} method={method} />}
      <p role="status" aria-live="polite" className="text-sm text-slate-700">
        {waiting ? t("secondStep.passkeyWaiting") : ""}
      </p>
      <div className="flex flex-col gap-2">
        {passkey && (
          <Button variant={method ? "secondary" : "primary"} onClick={verifyWithPasskey} disabled={waiting}>
            {t("secondStep.usePasskey")}
          </Button>
        )}
        {totp && method !== "totp" && (
          <Button variant="secondary" onClick={() => setMethod("totp")}>
            {t("secondStep.useAuthenticator")}
          </Button>
        )}
        {recovery && method !== "recovery" && (
          <Button variant="secondary" onClick={() => setMethod("recovery")}>
            {t("secondStep.useRecoveryCode")}
          </Button>
        )}
      </div>
    </div>
  );
}

function CodeForm({ method }: { method: Method }) {
  const t = useTranslations("auth");
  const tv = useValidationMessage();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<CodeProofInput>({
    resolver: zodResolver(method === "totp" ? totpProofSchema : recoveryProofSchema),
    defaultValues: { code: "" },
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await verifySecondStepAction({ method, code: values.code });
    if (result && !result.ok) setFormError(applyActionErrors(result, setError, ["code"]));
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      <FormError message={formError} />
      {method === "totp" ? (
        <Field label={t("secondStep.code")} hint={t("secondStep.codeHint")} error={tv(errors.code?.message)}>
          <Input
            autoFocus
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={9}
            spellCheck={false}
            {...register("code")}
          />
        </Field>
      ) : (
        <Field label={t("secondStep.recoveryCode")} error={tv(errors.code?.message)}>
          <Input autoFocus autoComplete="off" autoCapitalize="none" spellCheck={false} {...register("code")} />
        </Field>
      )}
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? t("secondStep.verifying") : t("secondStep.verify")}
      </Button>
    </form>
  );
}
