"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormError } from "@/components/forms/form-error";
import { applyActionErrors, useValidationMessage } from "@/components/forms/use-action-errors";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { forgotPasswordSchema, type ForgotPasswordInput } from "@/lib/validations/password";
import { forgotPasswordAction } from "./actions";

/** Asks for a reset link; the answer is the same whether the address has an account or not. */
export function ForgotPasswordForm({ title }: { title: string }) {
  const t = useTranslations("password");
  const tv = useValidationMessage();
  const [formError, setFormError] = useState<string>();
  const [sentTo, setSentTo] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<ForgotPasswordInput>({
    resolver: zodResolver(forgotPasswordSchema),
    defaultValues: { email: "" },
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await forgotPasswordAction(values);
    if (result.ok) setSentTo(values.email.trim());
    else setFormError(applyActionErrors(result, setError, ["email"]));
  });

  const back = (
    <Link href="/sign-in" className="inline-block text-sm font-medium text-indigo-700 underline">
      {t("backToSignIn")}
    </Link>
  );

  if (sentTo) {
    return (
      <div role="status" className="space-y-3">
        <h1 className="text-2xl font-semibold">{t("sentTitle")}</h1>
        <p className="text-sm text-slate-700">{t("sentBody", { email: sentTo })}</p>
        {back}
      </div>
    );
  }

  return (
    <>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="mt-2 text-sm text-slate-700">{t("forgotIntro")}</p>
      <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
        <FormError message={formError} />
        <Field label={t("email")} error={tv(errors.email?.message)}>
          <Input type="email" autoComplete="username" {...register("email")} />
        </Field>
        <Button type="submit" className="w-full" disabled={isSubmitting}>
          {isSubmitting ? t("sending") : t("sendLink")}
        </Button>
      </form>
      <div className="mt-4">{back}</div>
    </>
  );
}
