"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { useForm, type UseFormRegisterReturn } from "react-hook-form";
import { FormError } from "@/components/forms/form-error";
import { applyActionErrors, useValidationMessage } from "@/components/forms/use-action-errors";
import { SubmitRow } from "@/components/forms/submit-button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import type { SettingsSnapshot } from "@/lib/settings/read";
import {
  invalidDomains,
  SETTINGS_LIMITS,
  settingsSchema,
  temporaryPasswordPolicies,
  twoStepRequirements,
  type SettingsFormInput,
  type SettingsInput,
} from "@/lib/validations/settings";
import { readSettingsAction, updateSettingsAction } from "./actions";
import { LanguageOptions } from "@/components/i18n/language-options";

const fields = [
  "temporaryPasswordPolicy",
  "invitationValidityDays",
  "defaultLocale",
  "allowedEmailDomains",
  "minPasswordLength",
  "twoStepRequirement",
] as const;

const policyLabels = {
  ask: ["ask", "askHint"],
  send: ["send", "sendHint"],
  not_send: ["notSend", "notSendHint"],
} as const;

function toForm(settings: SettingsSnapshot): SettingsFormInput {
  return { ...settings, allowedEmailDomains: settings.allowedEmailDomains.join("\n") };
}

export function SettingsForm({ organizationSlug, initial }: { organizationSlug: string; initial: SettingsSnapshot }) {
  const t = useTranslations("settings");
  const tv = useValidationMessage();
  const id = useId();
  const [formError, setFormError] = useState<string>();
  const [status, setStatus] = useState<"saved" | "unchanged">();
  const { register, handleSubmit, reset, setError, getValues, formState } = useForm<
    SettingsFormInput,
    unknown,
    SettingsInput
  >({
    resolver: zodResolver(settingsSchema),
    defaultValues: toForm(initial),
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(
    async (values) => {
      setFormError(undefined);
      setStatus(undefined);
      const result = await updateSettingsAction(organizationSlug, values);
      if (result.ok) {
        reset(toForm(result.data.settings));
        setStatus(result.data.changed ? "saved" : "unchanged");
        return;
      }
      if (result.code === "settings.errors.changedMeanwhile") {
        const current = await readSettingsAction(organizationSlug);
        if (current.ok) reset(toForm(current.data));
      }
      setFormError(applyActionErrors(result, setError, fields));
    },
    () => setStatus(undefined),
  );

  const domainsError = tv(errors.allowedEmailDomains?.message);
  const notDomains = domainsError ? invalidDomains(getValues("allowedEmailDomains")) : [];

  return (
    <Card className="mt-6">
      <form method="post" onSubmit={onSubmit} noValidate className="space-y-6">
        <FormError message={formError} />
        <ChoiceGroup
          id={`${id}-policy`}
          label={t("passwordPolicy.label")}
          hint={t("passwordPolicy.hint")}
          error={tv(errors.temporaryPasswordPolicy?.message)}
          choices={temporaryPasswordPolicies.map((policy) => {
            const [label, hint] = policyLabels[policy];
            return { value: policy, label: t(`passwordPolicy.${label}`), hint: t(`passwordPolicy.${hint}`) };
          })}
          register={register("temporaryPasswordPolicy")}
        />

        <NumberField
          label={t("validityDays")}
          hint={t("validityDaysHint")}
          error={tv(errors.invitationValidityDays?.message)}
          limits={SETTINGS_LIMITS.validityDays}
          register={register("invitationValidityDays", { valueAsNumber: true })}
        />

        <Field label={t("defaultLocale")} hint={t("defaultLocaleHint")} error={tv(errors.defaultLocale?.message)}>
          <Select className="w-48" {...register("defaultLocale")}>
            <LanguageOptions />
          </Select>
        </Field>

        <Field
          label={t("domains")}
          hint={t("domainsHint")}
          error={
            domainsError &&
            [domainsError, notDomains.length ? t("domainsNotValid", { list: notDomains.join(", ") }) : ""]
              .join(" ")
              .trim()
          }
        >
          <Textarea
            rows={4}
            spellCheck={false}
            autoCapitalize="none"
            autoComplete="off"
            {...register("allowedEmailDomains")}
          />
        </Field>

        <NumberField
          label={t("minPasswordLength")}
          hint={t("minPasswordLengthHint")}
          error={tv(errors.minPasswordLength?.message)}
          limits={SETTINGS_LIMITS.minPasswordLength}
          register={register("minPasswordLength", { valueAsNumber: true })}
        />

        <ChoiceGroup
          id={`${id}-two-step`}
          label={t("twoStep.label")}
          hint={t("twoStep.hint")}
          error={tv(errors.twoStepRequirement?.message)}
          choices={twoStepRequirements.map((value) => ({
            value,
            label: t(`twoStep.${value}`),
            hint: t(`twoStep.${value}Hint`),
          }))}
          register={register("twoStepRequirement")}
        />

        <SubmitRow pending={isSubmitting} pendingLabel={t("saving")} status={status && t(status)}>
          {t("save")}
        </SubmitRow>
      </form>
    </Card>
  );
}

/** A whole number within its limits. */
function NumberField({
  label,
  hint,
  error,
  limits,
  register,
}: {
  label: string;
  hint: string;
  error: string | undefined;
  limits: { min: number; max: number };
  register: UseFormRegisterReturn;
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      <Input
        type="number"
        inputMode="numeric"
        min={limits.min}
        max={limits.max}
        step={1}
        className="w-32"
        {...register}
      />
    </Field>
  );
}

/** Radios in a labelled radiogroup, each with its hint; the group's error is announced with it. */
function ChoiceGroup({
  id,
  label,
  hint,
  error,
  choices,
  register,
}: {
  id: string;
  label: string;
  hint: string;
  error: string | undefined;
  choices: { value: string; label: string; hint: string }[];
  register: UseFormRegisterReturn;
}) {
  return (
    <fieldset
      role="radiogroup"
      aria-labelledby={`${id}-label`}
      aria-describedby={[`${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ")}
      aria-invalid={error ? true : undefined}
      className="space-y-3"
    >
      <legend id={`${id}-label`} className="text-sm font-medium text-slate-900">
        {label}
      </legend>
      <p id={`${id}-hint`} className="text-xs text-slate-600">
        {hint}
      </p>
      {choices.map((choice) => (
        <div key={choice.value} className="flex items-start gap-3">
          <input
            type="radio"
            id={`${id}-${choice.value}`}
            value={choice.value}
            aria-describedby={`${id}-${choice.value}-hint`}
            className="mt-0.5 size-4 accent-indigo-600"
            {...register}
          />
          <div>
            <label htmlFor={`${id}-${choice.value}`} className="block text-sm font-medium text-slate-900">
              {choice.label}
            </label>
            <p id={`${id}-${choice.value}-hint`} className="text-sm text-slate-600">
              {choice.hint}
            </p>
          </div>
        </div>
      ))}
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}
