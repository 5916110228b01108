"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { FormError } from "@/components/forms/form-error";
import { SubmitButton } from "@/components/forms/submit-button";
import { useActionForm } from "@/components/forms/use-action-form";
import { usePasskeyAuthentication } from "@/components/two-step/use-passkey-authentication";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { recoveryProofSchema, totpProofSchema } from "@/lib/validations/second-step";
import { secondStepPasskeyOptionsAction, verifySecondStepAction } from "./actions";

type Method = "totp" | "recovery";

/** The second step: the authenticator's code, a recovery code, or a passkey, as the account has them. */
export function SecondStepForm({ totp, passkey, recovery }: { totp: boolean; passkey: boolean; recovery: boolean }) {
  const t = useTranslations("auth");
  const [method, setMethod] = useState<Method | null>(totp ? "totp" : null);
  const [passkeyError, setPasskeyError] = useState<string>();
  const { authenticate: verifyWithPasskey, waiting } = usePasskeyAuthentication({
    options: secondStepPasskeyOptionsAction,
    verify: (response, state) => verifySecondStepAction({ method: "passkey", response, state }),
    setError: setPasskeyError,
  });

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
  const { register, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: method === "totp" ? totpProofSchema : recoveryProofSchema,
    defaultValues: { code: "" },
    fields: ["code"],
    action: ({ code }) => verifySecondStepAction({ method, code }),
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      <FormError message={formError} />
      {method === "totp" ? (
        <Field label={t("secondStep.code")} hint={t("secondStep.codeHint")} error={fieldError("code")}>
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
        <Field label={t("secondStep.recoveryCode")} error={fieldError("code")}>
          <Input autoFocus autoComplete="off" autoCapitalize="none" spellCheck={false} {...register("code")} />
        </Field>
      )}
      <SubmitButton className="w-full" pending={isSubmitting} pendingLabel={t("secondStep.verifying")}>
        {t("secondStep.verify")}
      </SubmitButton>
    </form>
  );
}
