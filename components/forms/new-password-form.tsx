"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormError } from "@/components/forms/form-error";
import { applyActionErrors, useValidationMessage } from "@/components/forms/use-action-errors";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/action-result";
import { changePasswordSchema, type ChangePasswordInput } from "@/lib/validations/password";

const fields = ["newPassword", "confirmPassword"] as const;

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
  const tv = useValidationMessage();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<ChangePasswordInput>({
    resolver: zodResolver(changePasswordSchema),
    defaultValues: { newPassword: "", confirmPassword: "" },
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await submit(values);
    if (result && !result.ok) {
      setFormError(applyActionErrors(result, setError, fields));
      onFailure?.(result);
    }
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError message={formError} />
      <Field label={t("newPassword")} hint={t("rulesHint", { min: minLength })} error={tv(errors.newPassword?.message)}>
        <Input type="password" autoComplete="new-password" autoFocus={autoFocus} {...register("newPassword")} />
      </Field>
      <Field label={t("confirmPassword")} error={tv(errors.confirmPassword?.message)}>
        <Input type="password" autoComplete="new-password" {...register("confirmPassword")} />
      </Field>
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? t("updating") : t("update")}
      </Button>
    </form>
  );
}
