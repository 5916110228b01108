/** The constraint a database error names (postgres.js: `constraint_name`; PGlite: `constraint`), through Drizzle's wrapper. */
export function violatedConstraint(error: unknown): string | undefined {
  const e = error as { constraint_name?: string; constraint?: string; cause?: unknown };
  const source = (e?.cause ?? e) as { constraint_name?: string; constraint?: string } | undefined;
  return source?.constraint_name ?? source?.constraint;
}
