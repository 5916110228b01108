"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { FormError } from "@/components/forms/form-error";
import { SubmitButton } from "@/components/forms/submit-button";
import { useActionForm } from "@/components/forms/use-action-form";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { forgotPasswordSchema } from "@/lib/validations/password";
import { forgotPasswordAction } from "./actions";

/** Asks for a reset link; the answer is the same whether the address has an account or not. */
export function ForgotPasswordForm({ title }: { title: string }) {
  const t = useTranslations("password");
  const [sentTo, setSentTo] = useState<string>();
  const { register, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: forgotPasswordSchema,
    defaultValues: { email: "" },
    fields: ["email"],
    action: forgotPasswordAction,
    onSuccess: (_, values) => setSentTo(values.email.trim()),
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
        <Field label={t("email")} error={fieldError("email")}>
          <Input type="email" autoComplete="username" {...register("email")} />
        </Field>
        <SubmitButton className="w-full" pending={isSubmitting} pendingLabel={t("sending")}>
          {t("sendLink")}
        </SubmitButton>
      </form>
      <div className="mt-4">{back}</div>
    </>
  );
}
