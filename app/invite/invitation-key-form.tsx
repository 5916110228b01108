"use client";

import { useTranslations } from "next-intl";
import { FormError } from "@/components/forms/form-error";
import { SubmitButton } from "@/components/forms/submit-button";
import { useActionForm } from "@/components/forms/use-action-form";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { invitationKeySchema } from "@/lib/validations/accept-invitation";
import { openInvitationAction } from "./actions";

/** The Invitation ID and Key, typed or pasted by hand from the email. */
export function InvitationKeyForm({ invitationId = "" }: { invitationId?: string }) {
  const t = useTranslations("invite");
  const { register, onSubmit, formError, fieldError, isSubmitting } = useActionForm({
    schema: invitationKeySchema,
    defaultValues: { invitationId, key: "" },
    fields: ["invitationId", "key"],
    action: openInvitationAction,
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError message={formError} />
      <Field label={t("invitationId")} error={fieldError("invitationId")}>
        <Input autoComplete="off" spellCheck={false} className="font-mono" {...register("invitationId")} />
      </Field>
      <Field label={t("key")} error={fieldError("key")}>
        <Input autoComplete="off" spellCheck={false} className="font-mono" {...register("key")} />
      </Field>
      <SubmitButton className="w-full" pending={isSubmitting} pendingLabel={t("opening")}>
        {t("open")}
      </SubmitButton>
    </form>
  );
}
