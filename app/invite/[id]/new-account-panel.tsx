"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { FormError } from "@/components/forms/form-error";
import { NewPasswordForm } from "@/components/forms/new-password-form";
import { SubmitButton } from "@/components/forms/submit-button";
import { useActionForm } from "@/components/forms/use-action-form";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { temporaryPasswordSchema } from "@/lib/validations/accept-invitation";
import { completeNewAccountAction, verifyTemporaryPasswordAction } from "../actions";
import { useRefreshWhenStale } from "./use-state-refresh";

const stepSchema = temporaryPasswordSchema.pick({ temporaryPassword: true });

/**
 * A new account: Temporary password → Continue (checked on the server, nothing changes), then
 * New password and Confirm new password → Update Password, which checks everything again.
 */
export function NewAccountPanel({
  invitationId,
  invitationKey,
  minLength,
}: {
  invitationId: string;
  invitationKey: string;
  minLength: number;
}) {
  const t = useTranslations("invite");
  const refreshWhenStale = useRefreshWhenStale();
  const [verified, setVerified] = useState<string>();
  const {
    register,
    onSubmit: onContinue,
    formError,
    fieldError,
    isSubmitting,
  } = useActionForm({
    schema: stepSchema,
    defaultValues: { temporaryPassword: "" },
    fields: ["temporaryPassword"],
    action: ({ temporaryPassword }) =>
      verifyTemporaryPasswordAction({ invitationId, key: invitationKey, temporaryPassword }),
    onSuccess: (_, { temporaryPassword }) => setVerified(temporaryPassword),
    onFailure: refreshWhenStale,
  });

  if (verified !== undefined) {
    return (
      <div className="mt-6">
        <p className="text-sm text-slate-700">{t("chooseIntro")}</p>
        <NewPasswordForm
          autoFocus
          minLength={minLength}
          submit={(values) =>
            completeNewAccountAction({ invitationId, key: invitationKey, temporaryPassword: verified, ...values })
          }
          onFailure={(result) => {
            if (result.code === "invite.wrongTemporaryPassword") setVerified(undefined);
            refreshWhenStale(result);
          }}
        />
      </div>
    );
  }

  return (
    <form method="post" onSubmit={onContinue} noValidate className="mt-6 space-y-4">
      <p className="text-sm text-slate-700">{t("newAccountIntro")}</p>
      <FormError message={formError} />
      <Field label={t("temporaryPassword")} error={fieldError("temporaryPassword")}>
        <Input type="password" autoComplete="current-password" {...register("temporaryPassword")} />
      </Field>
      <SubmitButton className="w-full" pending={isSubmitting} pendingLabel={t("checking")}>
        {t("continue")}
      </SubmitButton>
    </form>
  );
}
