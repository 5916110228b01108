"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormError } from "@/components/forms/form-error";
import { applyActionErrors, useValidationMessage } from "@/components/forms/use-action-errors";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { signInSchema, type SignInInput } from "@/lib/validations/auth";
import { signInToAcceptAction } from "../actions";

const fields = ["email", "password"] as const;

/** Not signed in, existing account: sign in right here; the page then offers Accept invitation. */
export function SignInPanel({ email }: { email: string }) {
  const t = useTranslations("invite");
  const tv = useValidationMessage();
  const router = useRouter();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<SignInInput>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email, password: "" },
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    // The second step, when the account has one, comes back to this page (its key included).
    const here = `${window.location.pathname}${window.location.search}`;
    const result = await signInToAcceptAction({ ...values, callbackUrl: here });
    if (!result.ok) setFormError(applyActionErrors(result, setError, fields));
    else if (result.data.secondStep) router.push("/sign-in/two-step");
    else router.refresh();
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError message={formError} />
      <Field label={t("email")} error={tv(errors.email?.message)}>
        <Input type="email" autoComplete="username" {...register("email")} />
      </Field>
      <Field label={t("password")} error={tv(errors.password?.message)}>
        <Input type="password" autoComplete="current-password" {...register("password")} />
      </Field>
      <div className="flex items-center justify-between gap-4">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? t("signingIn") : t("signIn")}
        </Button>
        <Link href="/forgot-password" className="text-sm font-medium text-indigo-700 underline">
          {t("forgotPassword")}
        </Link>
      </div>
    </form>
  );
}
