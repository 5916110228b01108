import type { UseFormRegisterReturn } from "react-hook-form";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

/** The email and password of a sign-in, with the hints password managers fill them by. */
export function CredentialFields({
  labels,
  errors,
  email,
  password,
}: {
  labels: { email: string; password: string };
  errors: { email?: string; password?: string };
  email: UseFormRegisterReturn<"email">;
  password: UseFormRegisterReturn<"password">;
}) {
  return (
    <>
      <Field label={labels.email} error={errors.email}>
        <Input type="email" autoComplete="username" {...email} />
      </Field>
      <Field label={labels.password} error={errors.password}>
        <Input type="password" autoComplete="current-password" {...password} />
      </Field>
    </>
  );
}
