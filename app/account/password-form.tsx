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
import { accountPasswordSchema, type AccountPasswordInput } from "@/lib/validations/account";
import { changeAccountPasswordAction } from "./actions";

const fields = ["currentPassword", "newPassword", "confirmPassword"] as const;
const empty: AccountPasswordInput = { currentPassword: "", newPassword: "", confirmPassword: "" };

/** Current password, new password and its confirmation; the fields are cleared once it is changed. */
export function AccountPasswordForm({ minLength }: { minLength: number }) {
  const t = useTranslations("account");
  const tp = useTranslations("password");
  const tv = useValidationMessage();
  const [formError, setFormError] = useState<string>();
  const [done, setDone] = useState(false);
  const { register, handleSubmit, reset, setError, formState } = useForm<AccountPasswordInput>({
    resolver: zodResolver(accountPasswordSchema),
    defaultValues: empty,
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    setDone(false);
    const result = await changeAccountPasswordAction(values);
    if (!result.ok) {
      setFormError(applyActionErrors(result, setError, fields));
      return;
    }
    reset(empty);
    setDone(true);
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
      <FormError message={formError} />
      <Field label={t("currentPassword")} error={tv(errors.currentPassword?.message)}>
        <Input type="password" autoComplete="current-password" {...register("currentPassword")} />
      </Field>
      <Field
        label={tp("newPassword")}
        hint={tp("rulesHint", { min: minLength })}
        error={tv(errors.newPassword?.message)}
      >
        <Input type="password" autoComplete="new-password" {...register("newPassword")} />
      </Field>
      <Field label={tp("confirmPassword")} error={tv(errors.confirmPassword?.message)}>
        <Input type="password" autoComplete="new-password" {...register("confirmPassword")} />
      </Field>
      <div className="flex items-center gap-4">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? tp("updating") : t("changePassword")}
        </Button>
        <p role="status" aria-live="polite" className="text-sm text-emerald-800">
          {done && t("passwordChanged")}
        </p>
      </div>
    </form>
  );
}
