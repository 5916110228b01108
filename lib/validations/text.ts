// Text rules shared by the zod schemas and by the browser-only checks of ./invitation-rules, so
// this module imports no schema library.

// C0 and C1 control characters, and the Unicode line and paragraph separators: invisible in a
// form, they would split an email subject or header line wherever a name is written into one.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Whether a one-line text (a name) holds a control character. */
export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

/** A one-line text with each run of control characters turned into one space (a search box's input). */
export function withoutControlCharacters(value: string): string {
  return value.replace(new RegExp(`${CONTROL_CHARACTERS.source}+`, "g"), " ");
}

/** Whether a multi-line text holds a control character other than its `\n` or `\r\n` line breaks. */
export function hasControlCharactersBesidesNewlines(value: string): boolean {
  return CONTROL_CHARACTERS.test(value.replace(/\r?\n/g, ""));
}

// Deeper than any form's payload: a structure past it is not looked into (the schema refuses it).
const MAX_DEPTH = 32;

/**
 * The field paths (`_form` for the payload itself) of the strings inside `value`, nested objects
 * and arrays included, that hold a NUL byte: PostgreSQL refuses it in text, so it is a field
 * error before any work.
 */
export function nulBytePaths(value: unknown, path: readonly string[] = [], depth = 0): string[] {
  if (typeof value === "string") return value.includes("\u0000") ? [path.join(".") || "_form"] : [];
  if (depth > MAX_DEPTH || !value || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap((item) => nulBytePaths(item, path, depth + 1));
  return Object.entries(value).flatMap(([key, item]) =>
    key.includes("\u0000") ? [path.join(".") || "_form"] : nulBytePaths(item, [...path, key], depth + 1),
  );
}
