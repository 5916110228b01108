"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { FormError } from "@/components/forms/form-error";
import { NewPasswordForm } from "@/components/forms/new-password-form";
import { applyActionErrors, useValidationMessage } from "@/components/forms/use-action-errors";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { temporaryPasswordSchema } from "@/lib/validations/accept-invitation";
import { completeNewAccountAction, verifyTemporaryPasswordAction } from "../actions";
import { useRefreshWhenStale } from "./use-state-refresh";

const stepSchema = temporaryPasswordSchema.pick({ temporaryPassword: true });
type StepInput = z.infer<typeof stepSchema>;

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
  const tv = useValidationMessage();
  const refreshWhenStale = useRefreshWhenStale();
  const [verified, setVerified] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<StepInput>({
    resolver: zodResolver(stepSchema),
    defaultValues: { temporaryPassword: "" },
  });
  const { errors, isSubmitting } = formState;

  const onContinue = handleSubmit(async ({ temporaryPassword }) => {
    setFormError(undefined);
    const result = await verifyTemporaryPasswordAction({ invitationId, key: invitationKey, temporaryPassword });
    if (result.ok) return setVerified(temporaryPassword);
    setFormError(applyActionErrors(result, setError, ["temporaryPassword"]));
    refreshWhenStale(result);
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
      <Field label={t("temporaryPassword")} error={tv(errors.temporaryPassword?.message)}>
        <Input type="password" autoComplete="current-password" {...register("temporaryPassword")} />
      </Field>
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? t("checking") : t("continue")}
      </Button>
    </form>
  );
}
