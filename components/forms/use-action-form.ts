"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { get, useForm, type DefaultValues, type FieldValues, type Path } from "react-hook-form";
import type { z } from "zod";
import type { ActionResult } from "@/lib/action-result";
import { applyActionErrors, useValidationMessage } from "./use-action-errors";

type ActionFormOptions<TInput extends FieldValues, TValues extends FieldValues, TData> = {
  /** The zod schema the server action parses too: from the fields' values to the action's input. */
  schema: z.ZodType<TValues, TInput>;
  defaultValues: DefaultValues<TInput>;
  /** The form's fields: a server error on any other field is shown as the form-level message. */
  fields: readonly Path<TInput>[];
  /** The server action; nothing comes back when it redirects. */
  action: (values: TValues) => Promise<ActionResult<TData> | undefined | void>;
  onSuccess?: (data: TData, values: TValues) => void;
  /** After the errors are shown. */
  onFailure?: (result: Extract<ActionResult<TData>, { ok: false }>) => void;
};

/**
 * A react-hook-form form that submits to one server action: validated in the browser with the
 * action's schema, the action's field errors put on the fields and the rest in `formError`
 * (cleared at each submit). `fieldError(name)` is a field's translated message.
 */
export function useActionForm<TInput extends FieldValues, TValues extends FieldValues = TInput, TData = unknown>({
  schema,
  defaultValues,
  fields,
  action,
  onSuccess,
  onFailure,
}: ActionFormOptions<TInput, TValues, TData>) {
  const tv = useValidationMessage();
  const [formError, setFormError] = useState<string>();
  const form = useForm<TInput, unknown, TValues>({ resolver: zodResolver(schema), defaultValues });
  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await action(values);
    if (!result) return;
    if (result.ok) onSuccess?.(result.data, values);
    else {
      setFormError(applyActionErrors(result, form.setError, fields));
      onFailure?.(result);
    }
  });
  const fieldError = (name: Path<TInput>): string | undefined =>
    tv((get(form.formState.errors, name) as { message?: string } | undefined)?.message);
  return { ...form, onSubmit, formError, setFormError, fieldError, isSubmitting: form.formState.isSubmitting };
}
