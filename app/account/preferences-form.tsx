"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormError } from "@/components/forms/form-error";
import { applyActionErrors, useValidationMessage } from "@/components/forms/use-action-errors";
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
  const tv = useValidationMessage();
  const router = useRouter();
  const [formError, setFormError] = useState<string>();
  const [status, setStatus] = useState<"saved" | "unchanged">();
  const { register, handleSubmit, reset, setError, formState } = useForm<AccountPreferencesInput>({
    resolver: zodResolver(accountPreferencesSchema),
    defaultValues: initial,
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    setStatus(undefined);
    const result = await updateAccountPreferencesAction(values);
    if (!result.ok) {
      setFormError(applyActionErrors(result, setError, fields));
      return;
    }
    reset(values);
    setStatus(result.data.changed ? "saved" : "unchanged");
    // The language and zone are read on the server for every render: show them now.
    if (result.data.changed) router.refresh();
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
      <FormError message={formError} />
      <Field label={t("name")} error={tv(errors.name?.message)}>
        <Input autoComplete="name" {...register("name")} />
      </Field>
      <Field label={t("email")} hint={t("emailHint")}>
        <Input value={email} readOnly type="email" className="bg-slate-50" />
      </Field>
      <Field label={t("language")} error={tv(errors.locale?.message)}>
        <Select className="max-w-md" {...register("locale")}>
          <option value="">{t("browserLanguage")}</option>
          <LanguageOptions />
        </Select>
      </Field>
      <Field label={t("timeZone")} hint={t("timeZoneHint")} error={tv(errors.timeZone?.message)}>
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
