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
import { signInSchema, type SignInInput } from "@/lib/validations/auth";
import { signInAction } from "./actions";
import { PasskeySignIn } from "./passkey-sign-in";

const fields = ["email", "password"] as const;

/** Password sign-in and "Sign in with a passkey", sharing one error region so the page announces one message. */
export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const t = useTranslations("auth");
  const tv = useValidationMessage();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<SignInInput>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: "", password: "", callbackUrl },
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await signInAction(values);
    if (result && !result.ok) setFormError(applyActionErrors(result, setError, fields));
  });

  return (
    <>
      <div className="mt-6">
        <FormError message={formError} />
      </div>
      <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
        <Field label={t("email")} error={tv(errors.email?.message)}>
          <Input type="email" autoComplete="username" {...register("email")} />
        </Field>
        <Field label={t("password")} error={tv(errors.password?.message)}>
          <Input type="password" autoComplete="current-password" {...register("password")} />
        </Field>
        <Button type="submit" className="w-full" disabled={isSubmitting}>
          {isSubmitting ? t("signingIn") : t("signIn")}
        </Button>
      </form>
      <PasskeySignIn callbackUrl={callbackUrl} onError={setFormError} />
    </>
  );
}
