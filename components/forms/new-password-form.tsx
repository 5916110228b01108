"use client";

import { useTranslations } from "next-intl";
import { FormError } from "@/components/forms/form-error";
import { SubmitButton } from "@/components/forms/submit-button";
import { useActionForm } from "@/components/forms/use-action-form";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/action-result";
import { changePasswordSchema, type ChangePasswordInput } from "@/lib/validations/password";

/**
 * New password and Confirm new password, then Update Password: the form shared by the first
 * sign-in from an invitation, the change-password page and a reset link. `submit` calls the
 * page's action; a successful action redirects, a failed one comes back with its errors.
 */
export function NewPasswordForm({
  minLength,
  submit,
  onFailure,
  autoFocus,
}: {
  minLength: number;
  submit: (values: ChangePasswordInput) => Promise<ActionResult<unknown> | undefined>;
  onFailure?: (result: Extract<ActionResult<unknown>, { ok: false }>) => void;
  autoFocus?: boolean;
}) {
  const t = useTranslations("password");
  const { register, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: changePasswordSchema,
    defaultValues: { newPassword: "", confirmPassword: "" },
    fields: ["newPassword", "confirmPassword"],
    action: submit,
    onFailure,
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError message={formError} />
      <Field label={t("newPassword")} hint={t("rulesHint", { min: minLength })} error={fieldError("newPassword")}>
        <Input type="password" autoComplete="new-password" autoFocus={autoFocus} {...register("newPassword")} />
      </Field>
      <Field label={t("confirmPassword")} error={fieldError("confirmPassword")}>
        <Input type="password" autoComplete="new-password" {...register("confirmPassword")} />
      </Field>
      <SubmitButton className="w-full" pending={isSubmitting} pendingLabel={t("updating")}>
        {t("update")}
      </SubmitButton>
    </form>
  );
}
