"use client";

import { useTranslations } from "next-intl";
import { FormError } from "@/components/forms/form-error";
import { SubmitButton } from "@/components/forms/submit-button";
import { useActionForm } from "@/components/forms/use-action-form";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { setupSchema } from "@/lib/validations/auth";
import { setupAction } from "./actions";

export function SetupForm() {
  const t = useTranslations("setup");
  const { register, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: setupSchema,
    defaultValues: { organizationName: "", name: "", email: "", password: "" },
    fields: ["organizationName", "name", "email", "password"],
    action: setupAction,
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError message={formError} />
      <Field label={t("organizationName")} error={fieldError("organizationName")}>
        <Input autoComplete="organization" {...register("organizationName")} />
      </Field>
      <Field label={t("yourName")} error={fieldError("name")}>
        <Input autoComplete="name" {...register("name")} />
      </Field>
      <Field label={t("email")} error={fieldError("email")}>
        <Input type="email" autoComplete="email" {...register("email")} />
      </Field>
      <Field label={t("password")} hint={t("passwordHint")} error={fieldError("password")}>
        <Input type="password" autoComplete="new-password" {...register("password")} />
      </Field>
      <SubmitButton className="w-full" pending={isSubmitting} pendingLabel={t("submitting")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
