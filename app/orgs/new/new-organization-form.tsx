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
import { createOrganizationSchema, type CreateOrganizationInput } from "@/lib/validations/auth";
import { createOrganizationAction } from "../actions";

export function NewOrganizationForm() {
  const t = useTranslations("orgs");
  const tv = useValidationMessage();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<CreateOrganizationInput>({
    resolver: zodResolver(createOrganizationSchema),
    defaultValues: { name: "" },
  });

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await createOrganizationAction(values);
    if (result && !result.ok) setFormError(applyActionErrors(result, setError, ["name"]));
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError message={formError} />
      <Field label={t("name")} error={tv(formState.errors.name?.message)}>
        <Input autoComplete="organization" {...register("name")} />
      </Field>
      <Button type="submit" disabled={formState.isSubmitting}>
        {formState.isSubmitting ? t("creating") : t("create")}
      </Button>
    </form>
  );
}
