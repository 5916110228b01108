"use client";

import { useTranslations } from "next-intl";
import { useCallback } from "react";
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import type { ActionResult } from "@/lib/action-result";

/**
 * Translates a client-side zod message: a `validation` key, or a full key naming its namespace
 * (`settings.domainInvalid`). Server messages arrive translated and pass through unchanged.
 */
export function useValidationMessage(): (message: string | undefined) => string | undefined {
  const t = useTranslations();
  return useCallback(
    (message) => {
      if (!message) return message;
      const key = message.includes(".") ? message : `validation.${message}`;
      return t.has(key) ? t(key) : message;
    },
    [t],
  );
}

/**
 * Puts a failed action's field errors on the form's fields and returns its form-level message.
 * Field errors for fields the form does not have are folded into the form-level message.
 */
export function applyActionErrors<T extends FieldValues>(
  result: Extract<ActionResult<unknown>, { ok: false }>,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): string | undefined {
  const extra: string[] = [];
  for (const [field, messages] of Object.entries(result.fieldErrors ?? {})) {
    if ((fields as readonly string[]).includes(field))
      setError(field as Path<T>, { type: "server", message: messages.join(" ") });
    else extra.push(...messages);
  }
  return [result.formError, ...extra].filter(Boolean).join(" ") || undefined;
}
