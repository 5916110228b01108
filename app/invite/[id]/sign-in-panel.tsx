"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { CredentialFields } from "@/components/forms/credential-fields";
import { FormError } from "@/components/forms/form-error";
import { SubmitButton } from "@/components/forms/submit-button";
import { useActionForm } from "@/components/forms/use-action-form";
import { signInSchema } from "@/lib/validations/auth";
import { signInToAcceptAction } from "../actions";

/** Not signed in, existing account: sign in right here; the page then offers Accept invitation. */
export function SignInPanel({ email }: { email: string }) {
  const t = useTranslations("invite");
  const router = useRouter();
  const { register, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: signInSchema,
    defaultValues: { email, password: "" },
    fields: ["email", "password"],
    // The second step, when the account has one, comes back to this page (its key included).
    action: (values) =>
      signInToAcceptAction({ ...values, callbackUrl: `${window.location.pathname}${window.location.search}` }),
    onSuccess: ({ secondStep }) => (secondStep ? router.push("/sign-in/two-step") : router.refresh()),
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError message={formError} />
      <CredentialFields
        labels={{ email: t("email"), password: t("password") }}
        errors={{ email: fieldError("email"), password: fieldError("password") }}
        email={register("email")}
        password={register("password")}
      />
      <div className="flex items-center justify-between gap-4">
        <SubmitButton pending={isSubmitting} pendingLabel={t("signingIn")}>
          {t("signIn")}
        </SubmitButton>
        <Link href="/forgot-password" className="text-sm font-medium text-indigo-700 underline">
          {t("forgotPassword")}
        </Link>
      </div>
    </form>
  );
}
