"use client";

import { NewPasswordForm } from "@/components/forms/new-password-form";
import { changePasswordAction } from "./actions";

export function ChangePasswordForm({ minLength }: { minLength: number }) {
  return <NewPasswordForm minLength={minLength} submit={changePasswordAction} />;
}
