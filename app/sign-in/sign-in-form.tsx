"use client";

import { useTranslations } from "next-intl";
import { CredentialFields } from "@/components/forms/credential-fields";
import { FormError } from "@/components/forms/form-error";
import { SubmitButton } from "@/components/forms/submit-button";
import { useActionForm } from "@/components/forms/use-action-form";
import { signInSchema } from "@/lib/validations/auth";
import { signInAction } from "./actions";
import { PasskeySignIn } from "./passkey-sign-in";

/** Password sign-in and "Sign in with a passkey", sharing one error region so the page announces one message. */
export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const t = useTranslations("auth");
  const { register, onSubmit, formError, setFormError, fieldError, isSubmitting } = useActionForm({
    schema: signInSchema,
    defaultValues: { email: "", password: "", callbackUrl },
    fields: ["email", "password"],
    action: signInAction,
  });

  return (
    <>
      <div className="mt-6">
        <FormError message={formError} />
      </div>
      <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
        <CredentialFields
          labels={{ email: t("email"), password: t("password") }}
          errors={{ email: fieldError("email"), password: fieldError("password") }}
          email={register("email")}
          password={register("password")}
        />
        <SubmitButton className="w-full" pending={isSubmitting} pendingLabel={t("signingIn")}>
          {t("signIn")}
        </SubmitButton>
      </form>
      <PasskeySignIn callbackUrl={callbackUrl} onError={setFormError} />
    </>
  );
}
