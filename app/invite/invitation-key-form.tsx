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
import { invitationKeySchema, type InvitationKeyInput } from "@/lib/validations/accept-invitation";
import { openInvitationAction } from "./actions";

const fields = ["invitationId", "key"] as const;

/** The Invitation ID and Key, typed or pasted by hand from the email. */
export function InvitationKeyForm({ invitationId = "" }: { invitationId?: string }) {
  const t = useTranslations("invite");
  const tv = useValidationMessage();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<InvitationKeyInput>({
    resolver: zodResolver(invitationKeySchema),
    defaultValues: { invitationId, key: "" },
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await openInvitationAction(values);
    if (result && !result.ok) setFormError(applyActionErrors(result, setError, fields));
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError message={formError} />
      <Field label={t("invitationId")} error={tv(errors.invitationId?.message)}>
        <Input autoComplete="off" spellCheck={false} className="font-mono" {...register("invitationId")} />
      </Field>
      <Field label={t("key")} error={tv(errors.key?.message)}>
        <Input autoComplete="off" spellCheck={false} className="font-mono" {...register("key")} />
      </Field>
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? t("opening") : t("open")}
      </Button>
    </form>
  );
}
