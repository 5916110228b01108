/**
 * An expected failure (already a member, last administrator, expired invitation…). `code` is a
 * message key in the `errors` catalog; `field` attaches it to a form field; `params` fill the
 * message. Domain functions throw it (so the transaction rolls back); the action helper turns it
 * into a value the UI shows.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly options: {
      field?: string;
      params?: Record<string, string | number>;
      status?: 400 | 403 | 404 | 409 | 429;
    } = {},
  ) {
    super(code);
    this.name = "DomainError";
  }
}

export const notFound = () => new DomainError("notFound", { status: 404 });
export const forbidden = () => new DomainError("forbidden", { status: 403 });

/** True for a unique-constraint violation on both drivers (postgres.js and PGlite). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as {
    code?: string;
    constraint_name?: string;
    constraint?: string;
    cause?: { code?: string; constraint_name?: string; constraint?: string };
  };
  const source = e?.cause?.code ? e.cause : e;
  if (source?.code !== "23505") return false;
  if (!constraint) return true;
  return (source.constraint_name ?? source.constraint) === constraint;
}
