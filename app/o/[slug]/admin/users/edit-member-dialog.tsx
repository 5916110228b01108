"use client";

import { useTranslations } from "next-intl";
import { FormError } from "@/components/forms/form-error";
import { useValidationMessage } from "@/components/forms/use-action-errors";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogContent } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { memberRoles, memberTags, updateMemberSchema } from "@/lib/validations/members";
import { updateMemberAction } from "./actions";
import type { MemberActionTarget } from "./row-actions";

const fields = ["role", "enabled", "accessExpiresAt", "tags"] as const;

export function EditMemberDialogContent({
  organizationSlug,
  member,
  onDone,
}: {
  organizationSlug: string;
  member: MemberActionTarget;
  onDone: () => void;
}) {
  const t = useTranslations("users");
  const tc = useTranslations("common");
  const tv = useValidationMessage();
  const { register, onSubmit, formError, fieldError, formState, isSubmitting } = useActionForm({
    schema: updateMemberSchema,
    defaultValues: {
      membershipId: member.membershipId,
      role: member.role,
      enabled: member.status === "active",
      accessExpiresAt: member.accessExpiresAt?.slice(0, 10) ?? "",
      tags: member.tags,
    },
    fields,
    action: (values) => updateMemberAction(organizationSlug, values),
    onSuccess: onDone,
  });
  const { errors } = formState;

  return (
    <DialogContent title={t("actions.editTitle", { name: member.name })} description={member.email}>
      <form method="post" onSubmit={onSubmit} noValidate className="space-y-5">
        <FormError message={formError} />
        <fieldset aria-describedby={errors.role ? "edit-role-error" : undefined}>
          <legend className="text-sm font-medium text-slate-900">{t("actions.role")}</legend>
          <div className="mt-2 flex gap-6">
            {memberRoles.map((role) => (
              <label key={role} className="flex items-center gap-2 text-sm">
                <input type="radio" value={role} {...register("role")} className="size-4 accent-indigo-600" />
                {t(`roles.${role}`)}
              </label>
            ))}
          </div>
          {errors.role && (
            <p id="edit-role-error" className="mt-1 text-sm text-red-700">
              {tv(errors.role.message)}
            </p>
          )}
        </fieldset>
        <div>
          <label className="flex items-center gap-2 text-sm font-medium text-slate-900">
            <input
              type="checkbox"
              {...register("enabled")}
              aria-describedby={errors.enabled ? "edit-enabled-hint edit-enabled-error" : "edit-enabled-hint"}
              className="size-4 accent-indigo-600"
            />
            {t("actions.enabled")}
          </label>
          <p id="edit-enabled-hint" className="mt-1 text-xs text-slate-600">
            {t("actions.enabledHint")}
          </p>
          {errors.enabled && (
            <p id="edit-enabled-error" className="mt-1 text-sm text-red-700">
              {tv(errors.enabled.message)}
            </p>
          )}
        </div>
        <Field
          label={t("actions.accessExpiry")}
          hint={t("actions.accessExpiryHint")}
          error={fieldError("accessExpiresAt")}
        >
          <Input type="date" {...register("accessExpiresAt")} />
        </Field>
        <fieldset aria-describedby="edit-tags-hint">
          <legend className="text-sm font-medium text-slate-900">{t("actions.tags")}</legend>
          <div className="mt-2 flex gap-6">
            {memberTags.map((tag) => (
              <label key={tag} className="flex items-center gap-2 text-sm">
                <input type="checkbox" value={tag} {...register("tags")} className="size-4 accent-indigo-600" />
                {t(`tags.${tag}`)}
              </label>
            ))}
          </div>
          <p id="edit-tags-hint" className="mt-1 text-xs text-slate-600">
            {t("actions.privilegedHint")}
          </p>
        </fieldset>
        <div className="flex justify-end gap-3 pt-2">
          <DialogClose asChild>
            <Button variant="secondary">{tc("cancel")}</Button>
          </DialogClose>
          <Button type="submit" disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
            {isSubmitting ? tc("loading") : t("actions.saveChanges")}
          </Button>
        </div>
      </form>
    </DialogContent>
  );
}
