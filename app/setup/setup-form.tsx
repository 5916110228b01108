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
import { setupSchema, type SetupInput } from "@/lib/validations/auth";
import { setupAction } from "./actions";

const fields = ["organizationName", "name", "email", "password"] as const;

export function SetupForm() {
  const t = useTranslations("setup");
  const tv = useValidationMessage();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<SetupInput>({
    resolver: zodResolver(setupSchema),
    defaultValues: { organizationName: "", name: "", email: "", password: "" },
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await setupAction(values);
    if (result && !result.ok) setFormError(applyActionErrors(result, setError, fields));
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError message={formError} />
      <Field label={t("organizationName")} error={tv(errors.organizationName?.message)}>
        <Input autoComplete="organization" {...register("organizationName")} />
      </Field>
      <Field label={t("yourName")} error={tv(errors.name?.message)}>
        <Input autoComplete="name" {...register("name")} />
      </Field>
      <Field label={t("email")} error={tv(errors.email?.message)}>
        <Input type="email" autoComplete="email" {...register("email")} />
      </Field>
      <Field label={t("password")} hint={t("passwordHint")} error={tv(errors.password?.message)}>
        <Input type="password" autoComplete="new-password" {...register("password")} />
      </Field>
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}
