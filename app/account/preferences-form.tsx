"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { FormError } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { accountPreferencesSchema, type AccountPreferencesInput } from "@/lib/validations/account";
import { updateAccountPreferencesAction } from "./actions";
import { LanguageOptions } from "@/components/i18n/language-options";

const fields = ["name", "locale", "timeZone"] as const;

/** Name, interface language and time zone; a saved change re-renders the page in the new language at once. */
export function AccountPreferencesForm({
  email,
  initial,
  timeZones,
}: {
  email: string;
  initial: AccountPreferencesInput;
  timeZones: string[];
}) {
  const t = useTranslations("account");
  const router = useRouter();
  const [status, setStatus] = useState<"saved" | "unchanged">();
  const { register, reset, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: accountPreferencesSchema,
    defaultValues: initial,
    fields,
    action: (values) => {
      setStatus(undefined);
      return updateAccountPreferencesAction(values);
    },
    onSuccess: ({ changed }, values) => {
      reset(values);
      setStatus(changed ? "saved" : "unchanged");
      // The language and zone are read on the server for every render: show them now.
      if (changed) router.refresh();
    },
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
      <FormError message={formError} />
      <Field label={t("name")} error={fieldError("name")}>
        <Input autoComplete="name" {...register("name")} />
      </Field>
      <Field label={t("email")} hint={t("emailHint")}>
        <Input value={email} readOnly type="email" className="bg-slate-50" />
      </Field>
      <Field label={t("language")} error={fieldError("locale")}>
        <Select className="max-w-md" {...register("locale")}>
          <option value="">{t("browserLanguage")}</option>
          <LanguageOptions />
        </Select>
      </Field>
      <Field label={t("timeZone")} hint={t("timeZoneHint")} error={fieldError("timeZone")}>
        <Select className="max-w-md" {...register("timeZone")}>
          <option value="">{t("browserTimeZone")}</option>
          {timeZones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll("_", " ")}
            </option>
          ))}
        </Select>
      </Field>
      <div className="flex items-center gap-4">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? t("saving") : t("save")}
        </Button>
        <p role="status" aria-live="polite" className="text-sm text-emerald-800">
          {status && t(status)}
        </p>
      </div>
    </form>
  );
}
