"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { useForm, useWatch, type FieldErrors, type Resolver } from "react-hook-form";
import { FormError } from "@/components/forms/form-error";
import { applyActionErrors, useValidationMessage } from "@/components/forms/use-action-errors";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import type { InvitationRun } from "@/lib/invitations/create";
import { inviteOptionsIssues, PERSONAL_MESSAGE_MAX, type InviteOptions } from "@/lib/validations/invitation-rules";
import type { PasswordDeliveryChoice } from "@/lib/validations/invitations";
import { sendInviteAction } from "./actions";
import { LanguageOptions } from "@/components/i18n/language-options";

const optionFields = [
  "options.locale",
  "options.personalMessage",
  "options.accessExpiry",
  "options.external",
  "options.privileged",
] as const;

type OptionsForm = { options: InviteOptions };

// The server's schema applies the same rules; the browser skips the schema library to stay light.
const optionsResolver: Resolver<OptionsForm> = async (values) => {
  const issues = inviteOptionsIssues(values.options);
  if (issues.length === 0) return { values, errors: {} };
  const options = Object.fromEntries(issues.map((i) => [i.field, { type: "validate", message: i.message }]));
  return { values: {}, errors: { options } as FieldErrors<OptionsForm> };
};

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/**
 * The wizard's Options step and Send Invite, with react-hook-form: loaded once the person starts
 * on the Email step, not with the page. The wizard keeps the options while the person goes Back
 * to the Email step: `onBack` hands them over, with whether the language was changed here.
 */
export function OptionsStep({
  organizationSlug,
  usersPath,
  runKey,
  emails,
  passwordDelivery,
  initialOptions,
  onBack,
  onSent,
}: {
  organizationSlug: string;
  usersPath: string;
  runKey: string;
  /** The addresses to invite: those the person confirmed, each once. */
  emails: string[];
  passwordDelivery: PasswordDeliveryChoice | null;
  initialOptions: InviteOptions;
  onBack: (options: InviteOptions, localeChosen: boolean) => void;
  /** The run has started: its addresses' lines follow as each is done. */
  onSent: (run: InvitationRun) => void;
}) {
  const t = useTranslations("invite-wizard");
  const tc = useTranslations("common");
  const tv = useValidationMessage();
  const ids = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [sendError, setSendError] = useState<string>();

  const { register, handleSubmit, setError, getValues, control, formState } = useForm<OptionsForm>({
    resolver: optionsResolver,
    defaultValues: { options: initialOptions },
  });
  const optionErrors = formState.errors.options;
  const messageLength = useWatch({ control, name: "options.personalMessage" })?.length ?? 0;

  // The step may appear after its code has loaded, later than the step changed: it takes the
  // focus itself.
  useEffect(() => headingRef.current?.focus(), []);

  function back() {
    const options = getValues().options;
    onBack(options, options.locale !== initialOptions.locale);
  }

  const send = handleSubmit(async (values) => {
    setSendError(undefined);
    const response = await sendInviteAction(organizationSlug, {
      idempotencyKey: runKey,
      emails: emails.join(", "),
      passwordDelivery,
      options: values.options,
    });
    if (!response.ok) {
      setSendError(applyActionErrors(response, setError, optionFields));
      return;
    }
    onSent(response.data);
  });

  return (
    <form method="post" onSubmit={send} noValidate className="space-y-5">
      <h2 ref={headingRef} tabIndex={-1} className="text-lg font-semibold outline-none">
        {t("optionsHeading")}
      </h2>
      <p className="text-sm text-slate-600">
        {t("optionsIntro", {
          count: emails.length,
          emails: emails.join(", "),
        })}
      </p>
      <FormError message={sendError} />
      <Field label={t("language")} error={tv(optionErrors?.locale?.message)}>
        <Select {...register("options.locale")}>
          <LanguageOptions />
        </Select>
      </Field>
      <Field
        label={t("personalMessage")}
        hint={t("personalMessageHint", { count: messageLength, max: PERSONAL_MESSAGE_MAX })}
        error={tv(optionErrors?.personalMessage?.message)}
      >
        <Textarea maxLength={PERSONAL_MESSAGE_MAX} {...register("options.personalMessage")} />
      </Field>
      <Field label={t("accessExpiry")} hint={t("accessExpiryHint")} error={tv(optionErrors?.accessExpiry?.message)}>
        <Input type="date" min={today()} className="w-auto" {...register("options.accessExpiry")} />
      </Field>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-900">{t("tags")}</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" className="size-4 accent-indigo-600" {...register("options.external")} />
          {t("external")}
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-4 accent-indigo-600"
            aria-describedby={`${ids}-privileged-hint`}
            {...register("options.privileged")}
          />
          {t("privileged")}
        </label>
        <p id={`${ids}-privileged-hint`} className="text-xs text-slate-600">
          {t("privilegedHint")}
        </p>
      </fieldset>
      <div className="flex flex-wrap justify-between gap-2 border-t border-slate-200 pt-4">
        <div className="flex gap-2">
          <Button variant="ghost" asChild>
            <Link href={usersPath}>{tc("cancel")}</Link>
          </Button>
          <Button variant="secondary" onClick={back}>
            {tc("back")}
          </Button>
        </div>
        <Button type="submit" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? t("sending") : t("sendInvite")}
        </Button>
      </div>
    </form>
  );
}
