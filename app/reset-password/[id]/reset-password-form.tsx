"use client";

import { useRouter } from "next/navigation";
import { NewPasswordForm } from "@/components/forms/new-password-form";
import { resetPasswordAction } from "../actions";

const linkFailures = new Set(["password.linkInvalid", "password.linkExpired", "password.linkUsed"]);

export function ResetPasswordForm({
  resetId,
  resetKey,
  minLength,
}: {
  resetId: string;
  resetKey: string;
  minLength: number;
}) {
  const router = useRouter();
  return (
    <NewPasswordForm
      minLength={minLength}
      submit={(values) => resetPasswordAction({ resetId, key: resetKey, ...values })}
      onFailure={(result) => {
        if (linkFailures.has(result.code)) router.refresh();
      }}
    />
  );
}
