// Pure: used when recording (server) and when showing events (page, CSV, tests).

const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "key",
  "hash",
  "ciphertext",
  "credential",
  "credentials",
  "otp",
  "cookie",
  "authorization",
]);
const ALWAYS_SECRET_WORDS = new Set(["secret", "token", "hash", "ciphertext", "credential", "credentials"]);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_\-.]+/)
    .map((w) => w.toLowerCase())
    .filter(Boolean);
}

/**
 * Whether a details key names a secret value: `temporaryPassword`, `keyHash`, `apiKey`,
 * `sessionToken`… but not a setting about one (`temporaryPasswordPolicy`, `minPasswordLength`,
 * `passwordDelivery`), whose value is safe to show.
 */
export function isSecretKey(key: string): boolean {
  const parts = words(key);
  const last = parts.at(-1);
  return (last !== undefined && SECRET_WORDS.has(last)) || parts.some((w) => ALWAYS_SECRET_WORDS.has(w));
}

// A bcrypt hash or a long opaque token, whatever key it came under.
const SECRET_VALUE = /^\$2[abxy]\$\d{2}\$|^[A-Za-z0-9_-]{40,}$/;

/** Details with every secret-looking key (at any depth, unless its value is a flag) and secret-looking value removed. */
export function sanitizeDetails(details: Record<string, unknown>): Record<string, unknown> {
  return sanitize(details, 0) as Record<string, unknown>;
}

function sanitize(value: unknown, depth: number): unknown {
  if (typeof value === "string") return SECRET_VALUE.test(value) ? undefined : value;
  if (value === null || typeof value !== "object" || depth > 5) return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1)).filter((v) => v !== undefined);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    // A flag about a secret ("a new temporary password was issued") is not the secret.
    if (isSecretKey(key) && typeof inner !== "boolean") continue;
    const clean = sanitize(inner, depth + 1);
    if (clean !== undefined) out[key] = clean;
  }
  return out;
}

/** One line of an event's details: a change (before → after) or a plain value. */
export type DetailEntry =
  { field: string; change: true; from: unknown; to: unknown } | { field: string; change: false; value: unknown };

function isChange(value: unknown): value is { from: unknown; to: unknown } {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    "from" in value &&
    "to" in value &&
    Object.keys(value).length === 2
  );
}

function isChangeSet(value: unknown): value is Record<string, { from: unknown; to: unknown }> {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0 &&
    Object.values(value).every(isChange)
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a details key holds a row's identifier (`membershipId`, `resetId`): kept in the record
 * for whoever queries it, never shown, since the event's sentence already names who it was about.
 */
export function isIdentifierKey(key: string): boolean {
  return /(^id|[a-z]Id)s?$/.test(key);
}

const shownValue = (value: unknown) => !(typeof value === "string" && UUID.test(value));

/**
 * The details as displayable lines, secrets and identifiers removed, in the order they were
 * recorded. A `diff()` result, at the top or nested under a key such as `changes`, becomes one
 * line per field.
 */
export function detailEntries(details: Record<string, unknown>): DetailEntry[] {
  return Object.entries(sanitizeDetails(details)).flatMap(([field, value]): DetailEntry[] => {
    if (isIdentifierKey(field)) return [];
    if (isChange(value)) return [{ field, change: true, from: value.from, to: value.to }];
    if (isChangeSet(value))
      return Object.entries(value)
        .filter(([inner]) => !isIdentifierKey(inner))
        .map(([inner, c]) => ({ field: inner, change: true, from: c.from, to: c.to }));
    return shownValue(value) ? [{ field, change: false, value }] : [];
  });
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export type DetailWords = {
  none: string;
  yes: string;
  no: string;
  /** The label of a recorded word, for this field if it has its own (`reason: invitation`). */
  word: (value: string, field?: string) => string | undefined;
};

/** Whether a recorded value is a word of the code (`not_send`, `temporaryPassword`) rather than text. */
export function isDetailWord(value: string): boolean {
  return /^[a-z][A-Za-z_]*$/.test(value);
}

/** A detail value as text: dates through `formatDate`, words of the code (`not_send`) through `words.word`. */
export function formatDetailValue(
  value: unknown,
  labels: DetailWords,
  formatDate: (d: Date) => string,
  field?: string,
): string {
  if (value === null || value === undefined || value === "") return labels.none;
  if (typeof value === "boolean") return value ? labels.yes : labels.no;
  if (typeof value === "string") {
    if (ISO_INSTANT.test(value)) return formatDate(new Date(value));
    return (isDetailWord(value) && labels.word(value, field)) || value;
  }
  if (Array.isArray(value))
    return value.length ? value.map((v) => formatDetailValue(v, labels, formatDate, field)).join(", ") : labels.none;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
