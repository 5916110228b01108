"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { FormError } from "@/components/forms/form-error";
import { applyActionErrors, useValidationMessage } from "@/components/forms/use-action-errors";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import {
  deleteOrganizationSchema,
  organizationSlugSchema,
  renameOrganizationSchema,
  type DeleteOrganizationInput,
  type OrganizationSlugInput,
  type RenameOrganizationInput,
} from "@/lib/validations/organization";
import { changeOrganizationSlugAction, deleteOrganizationAction, renameOrganizationAction } from "./actions";

export function RenameOrganizationForm({ organizationSlug, name }: { organizationSlug: string; name: string }) {
  const t = useTranslations("org-settings");
  const tv = useValidationMessage();
  const router = useRouter();
  const [formError, setFormError] = useState<string>();
  const [status, setStatus] = useState<"renamed" | "unchanged">();
  const { register, handleSubmit, setError, formState } = useForm<RenameOrganizationInput>({
    resolver: zodResolver(renameOrganizationSchema),
    defaultValues: { name },
  });
  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    setStatus(undefined);
    const result = await renameOrganizationAction(organizationSlug, values);
    if (!result.ok) {
      setFormError(applyActionErrors(result, setError, ["name"]));
      return;
    }
    setStatus(result.data.changed ? "renamed" : "unchanged");
    // The shell and the page title show the name.
    router.refresh();
  });
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
      <FormError message={formError} />
      <Field label={t("name")} error={tv(formState.errors.name?.message)}>
        <Input autoComplete="organization" {...register("name")} />
      </Field>
      <div className="flex items-center gap-4">
        <Button type="submit" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? t("renaming") : t("rename")}
        </Button>
        <p role="status" aria-live="polite" className="text-sm text-emerald-800">
          {status && t(status)}
        </p>
      </div>
    </form>
  );
}

export function OrganizationSlugForm({ organizationSlug, url }: { organizationSlug: string; url: string }) {
  const t = useTranslations("org-settings");
  const tv = useValidationMessage();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<OrganizationSlugInput>({
    resolver: zodResolver(organizationSlugSchema),
    defaultValues: { slug: organizationSlug },
  });
  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    // Success redirects to this page under the new URL name.
    const result = await changeOrganizationSlugAction(organizationSlug, values);
    if (result && !result.ok) setFormError(applyActionErrors(result, setError, ["slug"]));
  });
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
      <FormError message={formError} />
      <Field label={t("slug")} hint={t("slugHint", { url })} error={tv(formState.errors.slug?.message)}>
        <Input
          spellCheck={false}
          autoCapitalize="none"
          autoComplete="off"
          className="font-mono"
          {...register("slug")}
        />
      </Field>
      <p className="text-sm text-slate-700">{t("slugRedirectNote")}</p>
      <Button type="submit" disabled={formState.isSubmitting}>
        {formState.isSubmitting ? t("changingSlug") : t("changeSlug")}
      </Button>
    </form>
  );
}

export function DeleteOrganizationForm({ organizationSlug, name }: { organizationSlug: string; name: string }) {
  const t = useTranslations("org-settings");
  const tv = useValidationMessage();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState, control } = useForm<DeleteOrganizationInput>({
    resolver: zodResolver(deleteOrganizationSchema),
    defaultValues: { confirmName: "" },
  });
  const typed = useWatch({ control, name: "confirmName" });
  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    // Success redirects to the start page: the organization is gone.
    const result = await deleteOrganizationAction(organizationSlug, values);
    if (result && !result.ok) setFormError(applyActionErrors(result, setError, ["confirmName"]));
  });
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
      <FormError message={formError} />
      <Field label={t("confirmName", { organization: name })} error={tv(formState.errors.confirmName?.message)}>
        <Input autoComplete="off" spellCheck={false} {...register("confirmName")} />
      </Field>
      <Button type="submit" variant="danger" disabled={formState.isSubmitting || typed.trim() !== name}>
        {formState.isSubmitting ? t("deleting") : t("delete")}
      </Button>
    </form>
  );
}
