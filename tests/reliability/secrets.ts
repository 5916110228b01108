import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rowsOf } from "@/db/rows";
import type { StandIn } from "../support/resend-stand-in";

export type SecretFinding = { secret: string; where: string };

/** Secrets an email carries: the key, the temporary password, the key inside a link. */
export function secretsInEmailText(text: string): string[] {
  const found: string[] = [];
  for (const re of [/^Key: (\S+)$/gm, /^Temporary password: (\S+)$/gm, /[?&]key=([A-Za-z0-9_-]{20,})/g]) {
    for (const m of text.matchAll(re)) found.push(decodeURIComponent(m[1]!));
  }
  return found;
}

/**
 * What an enrolled authenticator app and its recovery codes must never be found as: the base32
 * secret (as the page shows it, grouped, and without spaces), its bytes in base64 and hex, and
 * each recovery code with and without its hyphen.
 */
export function twoStepSecretForms(enrolled: {
  secret: string;
  groupedSecret: string;
  recoveryCodes: string[];
}): string[] {
  const bytes = Buffer.from(decodeBase32IgnorePadding(enrolled.secret));
  return [
    enrolled.secret,
    enrolled.groupedSecret,
    bytes.toString("base64"),
    bytes.toString("base64url"),
    bytes.toString("hex"),
    ...enrolled.recoveryCodes.flatMap((code) => [code, code.replace(/-/g, "")]),
  ];
}

/**
 * Controls of the two-step scan: the authenticator apps of the run are stored, each sealed (a
 * ciphertext, not absent), and their recovery codes too, each as a keyed hash. Without them a
 * scan of empty columns would pass.
 */
export async function twoStepStorage(db: Database): Promise<{
  totpFactors: number;
  totpFactorsSealed: number;
  recoveryCodes: number;
  recoveryCodesHashed: number;
}> {
  const [row] = rowsOf<{ totp: number; sealed: number; codes: number; hashed: number }>(
    await db.execute(sql`select
      (select count(*)::int from two_step_factors where kind = 'totp') as totp,
      (select count(*)::int from two_step_factors where kind = 'totp'
        and length(coalesce(totp_secret_ciphertext, '')) >= 40) as sealed,
      (select count(*)::int from recovery_codes) as codes,
      (select count(*)::int from recovery_codes where code_hash ~ '^[0-9a-f]{64}$') as hashed`),
  );
  return {
    totpFactors: Number(row?.totp ?? 0),
    totpFactorsSealed: Number(row?.sealed ?? 0),
    recoveryCodes: Number(row?.codes ?? 0),
    recoveryCodesHashed: Number(row?.hashed ?? 0),
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

const HASH_COLUMNS = new Set(["password_hash", "key_hash", "secret_ciphertext"]);

/**
 * Looks for each secret everywhere it must not be: the server logs, every row of every table
 * (hash and sealed columns aside), the built client bundle, and every outbound request except
 * the one logical email (one idempotency key) allowed to carry it. The two-step secrets
 * (`unmailed`: authenticator secrets, recovery codes) are searched in the hash and sealed columns
 * too, and no outbound request at all may carry them.
 */
export async function findLeaks(input: {
  secrets: string[];
  unmailed: string[];
  logs: string;
  db: Database;
  standIn: StandIn;
  buildDir: string;
}): Promise<SecretFinding[]> {
  const findings: SecretFinding[] = [];
  // A recovery code without its hyphen is ten characters: long enough not to occur by chance.
  const unmailed = [...new Set(input.unmailed)].filter((s) => s.length >= 10);
  const secrets = [...new Set([...input.secrets.filter((s) => s.length >= 12), ...unmailed])];

  for (const secret of secrets) if (input.logs.includes(secret)) findings.push({ secret, where: "server logs" });

  const tables = rowsOf<{ table_name: string }>(
    await input.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    ),
  ).map((r) => r.table_name);
  for (const table of tables) {
    const rows = rowsOf<{ row: Record<string, unknown> }>(
      await input.db.execute(sql.raw(`select row_to_json(t) as row from "${table}" t`)),
    );
    for (const { row } of rows) {
      const visible = JSON.stringify(Object.fromEntries(Object.entries(row).filter(([k]) => !HASH_COLUMNS.has(k))));
      const whole = JSON.stringify(row);
      for (const secret of secrets)
        if ((unmailed.includes(secret) ? whole : visible).includes(secret))
          findings.push({ secret, where: `database table ${table}` });
    }
  }

  const bundle = filesUnder(path.join(input.buildDir, "static"))
    .map((f) => readFileSync(f, "latin1"))
    .join("\n");
  for (const secret of secrets) if (bundle.includes(secret)) findings.push({ secret, where: "client bundle" });

  for (const secret of secrets) {
    const carriers = new Set(
      input.standIn.requests.filter((r) => r.body.includes(secret)).map((r) => r.idempotencyKey ?? r.body),
    );
    if (carriers.size > (unmailed.includes(secret) ? 0 : 1))
      findings.push({ secret, where: `${carriers.size} different outbound emails` });
  }
  return findings;
}
