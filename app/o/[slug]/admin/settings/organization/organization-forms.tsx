"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useWatch } from "react-hook-form";
import { FormError } from "@/components/forms/form-error";
import { SubmitButton, SubmitRow } from "@/components/forms/submit-button";
import { useActionForm } from "@/components/forms/use-action-form";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import {
  deleteOrganizationSchema,
  organizationSlugSchema,
  renameOrganizationSchema,
} from "@/lib/validations/organization";
import { changeOrganizationSlugAction, deleteOrganizationAction, renameOrganizationAction } from "./actions";

export function RenameOrganizationForm({ organizationSlug, name }: { organizationSlug: string; name: string }) {
  const t = useTranslations("org-settings");
  const router = useRouter();
  const [status, setStatus] = useState<"renamed" | "unchanged">();
  const { register, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: renameOrganizationSchema,
    defaultValues: { name },
    fields: ["name"],
    action: (values) => {
      setStatus(undefined);
      return renameOrganizationAction(organizationSlug, values);
    },
    onSuccess: ({ changed }) => {
      setStatus(changed ? "renamed" : "unchanged");
      // The shell and the page title show the name.
      router.refresh();
    },
  });
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
      <FormError message={formError} />
      <Field label={t("name")} error={fieldError("name")}>
        <Input autoComplete="organization" {...register("name")} />
      </Field>
      <SubmitRow pending={isSubmitting} pendingLabel={t("renaming")} status={status && t(status)}>
        {t("rename")}
      </SubmitRow>
    </form>
  );
}

export function OrganizationSlugForm({ organizationSlug, url }: { organizationSlug: string; url: string }) {
  const t = useTranslations("org-settings");
  const { register, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: organizationSlugSchema,
    defaultValues: { slug: organizationSlug },
    fields: ["slug"],
    // Success redirects to this page under the new URL name.
    action: (values) => changeOrganizationSlugAction(organizationSlug, values),
  });
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
      <FormError message={formError} />
      <Field label={t("slug")} hint={t("slugHint", { url })} error={fieldError("slug")}>
        <Input
          spellCheck={false}
          autoCapitalize="none"
          autoComplete="off"
          className="font-mono"
          {...register("slug")}
        />
      </Field>
      <p className="text-sm text-slate-700">{t("slugRedirectNote")}</p>
      <SubmitButton pending={isSubmitting} pendingLabel={t("changingSlug")}>
        {t("changeSlug")}
      </SubmitButton>
    </form>
  );
}

export function DeleteOrganizationForm({ organizationSlug, name }: { organizationSlug: string; name: string }) {
  const t = useTranslations("org-settings");
  const { register, control, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: deleteOrganizationSchema,
    defaultValues: { confirmName: "" },
    fields: ["confirmName"],
    // Success redirects to the start page: the organization is gone.
    action: (values) => deleteOrganizationAction(organizationSlug, values),
  });
  const typed = useWatch({ control, name: "confirmName" });
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
      <FormError message={formError} />
      <Field label={t("confirmName", { organization: name })} error={fieldError("confirmName")}>
        <Input autoComplete="off" spellCheck={false} {...register("confirmName")} />
      </Field>
      <SubmitButton
        variant="danger"
        pending={isSubmitting}
        pendingLabel={t("deleting")}
        disabled={typed.trim() !== name}
      >
        {t("delete")}
      </SubmitButton>
    </form>
  );
}
