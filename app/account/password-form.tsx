"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { FormError } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
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
  const [done, setDone] = useState(false);
  const { register, reset, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: accountPasswordSchema,
    defaultValues: empty,
    fields,
    action: (values) => {
      setDone(false);
      return changeAccountPasswordAction(values);
    },
    onSuccess: () => {
      reset(empty);
      setDone(true);
    },
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
      <FormError message={formError} />
      <Field label={t("currentPassword")} error={fieldError("currentPassword")}>
        <Input type="password" autoComplete="current-password" {...register("currentPassword")} />
      </Field>
      <Field label={tp("newPassword")} hint={tp("rulesHint", { min: minLength })} error={fieldError("newPassword")}>
        <Input type="password" autoComplete="new-password" {...register("newPassword")} />
      </Field>
      <Field label={tp("confirmPassword")} error={fieldError("confirmPassword")}>
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
