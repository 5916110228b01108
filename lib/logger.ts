import "server-only";
import { env } from "@/lib/env";

type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

// Keys whose values are never written, whatever the caller passes.
const SECRET_KEYS = /pass(word)?|secret|token|key|authorization|cookie|ciphertext/i;

// A failed Drizzle query puts its bound values (hashes, emails…) in the message after "params:".
function withoutQueryParams(text: string): string {
  return text.replace(/\nparams: [\s\S]*?(?=\n\s+at |$)/, "\nparams: [redacted]");
}

/**
 * What caused an error (a failed query's database error: "deadlock detected", its SQLSTATE code),
 * without the fields that can quote the values involved (a database error's `detail`, `where`).
 */
function causeOf(cause: Error, depth: number): Record<string, unknown> {
  const code = (cause as { code?: unknown }).code;
  return {
    name: cause.name,
    ...(typeof code === "string" ? { code } : {}),
    message: withoutQueryParams(cause.message),
    ...(cause.cause instanceof Error && depth < 4 ? { cause: causeOf(cause.cause, depth + 1) } : {}),
  };
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return {
      name: value.name,
      message: withoutQueryParams(value.message),
      stack: withoutQueryParams(value.stack ?? ""),
      ...(value.cause instanceof Error ? { cause: causeOf(value.cause, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? "[redacted]" : redact(v, depth + 1)]),
  );
}

/** One log line: a JSON object with secret-looking fields redacted. */
export function formatLogLine(level: Level, message: string, fields?: Record<string, unknown>): string {
  return JSON.stringify({ time: new Date().toISOString(), level, message, ...(redact(fields ?? {}) as object) });
}

function write(level: Level, message: string, fields?: Record<string, unknown>) {
  if (order[level] < order[env.LOG_LEVEL]) return;
  const line = formatLogLine(level, message, fields);
  if (level === "error" || level === "warn") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
}

/** Structured one-line JSON logging. Field names that look like secrets are redacted. */
export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};
