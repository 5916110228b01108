import "server-only";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The one place that reads process.env. Every variable is parsed once, here; a malformed
 * value stops the process with a message naming the variable. Optional variables that are
 * missing select the embedded defaults (PGlite, the development mailbox, a generated
 * development secret).
 */

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const optionalUrl = (name: string) =>
  optionalString.refine((v) => v === undefined || URL.canParse(v), { message: `${name} must be a URL` });

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    NEXT_PHASE: optionalString,
    DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      message: "DATABASE_URL must start with postgres:// or postgresql://",
    }),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    DATABASE_PREPARED_STATEMENTS: z
      .enum(["true", "false"], { message: "DATABASE_PREPARED_STATEMENTS must be true or false" })
      .default("true")
      .transform((v) => v === "true"),
    PGLITE_DIR: optionalString,
    APP_URL: optionalUrl("APP_URL"),
    // How many reverse proxies in front of the server append to X-Forwarded-For (lib/auth/request-meta.ts).
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(16).default(0),
    AUTH_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
      message: "AUTH_SECRET must be at least 32 characters (openssl rand -base64 32)",
    }),
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
    HASH_WORKERS: z.coerce.number().int().min(1).max(16).optional(),
    RESEND_API_KEY: optionalString,
    RESEND_BASE_URL: optionalUrl("RESEND_BASE_URL"),
    EMAIL_FROM: optionalString.default("Gatehouse <no-reply@gatehouse.localhost>"),
    OUTBOX_ENCRYPTION_KEY: optionalString.refine((v) => v === undefined || Buffer.from(v, "base64").length === 32, {
      message: "OUTBOX_ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)",
    }),
    MAILBOX_DIR: optionalString,
    EMAIL_WORKER: z.enum(["on", "off"]).default("on"),
    EMAIL_RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(5_000),
    EMAIL_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
    EMAIL_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    EMAIL_LEASE_MS: z.coerce.number().int().min(500).max(3_600_000).default(120_000),
    EMAIL_RATE_PER_SECOND: z.coerce.number().min(0.01).max(10_000).default(2),
    EMAIL_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(100),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    ORGANIZATION_CREATION: z
      .enum(["anyone", "administrators", "setup-only"], {
        message: "ORGANIZATION_CREATION must be anyone, administrators or setup-only",
      })
      .default("administrators"),
  })
  .refine((v) => v.EMAIL_LEASE_MS > v.EMAIL_SEND_TIMEOUT_MS, {
    path: ["EMAIL_LEASE_MS"],
    message: "EMAIL_LEASE_MS must be longer than EMAIL_SEND_TIMEOUT_MS: a lease covers one attempt to send",
  });

function parse() {
  const result = schema.safeParse(process.env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

const raw = parse();

const dataDir = path.join(process.cwd(), ".data");

/** A secret kept under .data/ so development needs no setup; never used in production. */
function developmentSecret(file: string, bytes: number): string {
  const full = path.join(dataDir, file);
  if (existsSync(full)) return readFileSync(full, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(bytes).toString("base64");
  writeFileSync(full, value + "\n", { mode: 0o600, flag: "wx" });
  return readFileSync(full, "utf8").trim();
}

const isProduction = raw.NODE_ENV === "production";
const isBuild = raw.NEXT_PHASE === "phase-production-build";

export const env = {
  ...raw,
  isProduction,
  isBuild,
  PGLITE_DIR: raw.PGLITE_DIR ?? path.join(dataDir, "pglite"),
  MAILBOX_DIR: raw.MAILBOX_DIR ?? path.join(dataDir, "mailbox"),
  APP_URL: (raw.APP_URL ?? "http://localhost:3000").replace(/\/$/, ""),
  get AUTH_SECRET(): string {
    if (raw.AUTH_SECRET) return raw.AUTH_SECRET;
    if (isProduction) {
      // The build never signs anything; a running production server must be configured.
      if (isBuild) return "build-time-placeholder-secret-never-used-at-runtime";
      throw new Error("AUTH_SECRET is required in production (openssl rand -base64 32).");
    }
    return developmentSecret("auth-secret", 32);
  },
  get OUTBOX_ENCRYPTION_KEY(): Buffer {
    if (raw.OUTBOX_ENCRYPTION_KEY) return Buffer.from(raw.OUTBOX_ENCRYPTION_KEY, "base64");
    if (isProduction && !isBuild) {
      throw new Error("OUTBOX_ENCRYPTION_KEY is required in production (openssl rand -base64 32).");
    }
    return Buffer.from(developmentSecret("outbox-key", 32), "base64");
  },
  /** Which email transport runs: Resend when a key is set, else the development mailbox. */
  get emailTransport(): "resend" | "mailbox" {
    if (raw.RESEND_API_KEY) return "resend";
    if (isProduction && !isBuild) {
      throw new Error("RESEND_API_KEY is required in production: there is no development mailbox there.");
    }
    return "mailbox";
  },
};

/** Throws with a message naming the first missing production variable. Called at server start. */
export function assertRuntimeConfiguration(): void {
  void env.AUTH_SECRET;
  void env.OUTBOX_ENCRYPTION_KEY;
  void env.emailTransport;
}
