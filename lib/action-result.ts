/** Field name → messages, all of them (not only the first), already translated. */
export type FieldErrors = Record<string, string[]>;

/** What every server action returns. A secret is never echoed back in an error. */
export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; code: string; formError?: string; fieldErrors?: FieldErrors };

export type ActionFailure = Extract<ActionResult<unknown>, { ok: false }>;

/** A failed action's messages as one line, for a place with no field to put them on. */
export function failureMessage(result: ActionFailure): string | undefined {
  return [result.formError, ...Object.values(result.fieldErrors ?? {}).flat()].filter(Boolean).join(" ") || undefined;
}
