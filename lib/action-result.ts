/** Field name → messages, all of them (not only the first), already translated. */
export type FieldErrors = Record<string, string[]>;

/** What every server action returns. A secret is never echoed back in an error. */
export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; code: string; formError?: string; fieldErrors?: FieldErrors };
