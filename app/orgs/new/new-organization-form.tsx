"use client";

import { useTranslations } from "next-intl";
import { FormError } from "@/components/forms/form-error";
import { SubmitButton } from "@/components/forms/submit-button";
import { useActionForm } from "@/components/forms/use-action-form";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { createOrganizationSchema } from "@/lib/validations/auth";
import { createOrganizationAction } from "../actions";

export function NewOrganizationForm() {
  const t = useTranslations("orgs");
  const { register, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: createOrganizationSchema,
    defaultValues: { name: "" },
    fields: ["name"],
    action: createOrganizationAction,
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError message={formError} />
      <Field label={t("name")} error={fieldError("name")}>
        <Input autoComplete="organization" {...register("name")} />
      </Field>
      <SubmitButton pending={isSubmitting} pendingLabel={t("creating")}>
        {t("create")}
      </SubmitButton>
    </form>
  );
}
