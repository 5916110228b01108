import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
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
 * the one logical email (one idempotency key) allowed to carry it.
 */
export async function findLeaks(input: {
  secrets: string[];
  logs: string;
  db: Database;
  standIn: StandIn;
  buildDir: string;
}): Promise<SecretFinding[]> {
  const findings: SecretFinding[] = [];
  const secrets = [...new Set(input.secrets)].filter((s) => s.length >= 12);

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
      for (const secret of secrets)
        if (visible.includes(secret)) findings.push({ secret, where: `database table ${table}` });
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
    if (carriers.size > 1) findings.push({ secret, where: `${carriers.size} different outbound emails` });
  }
  return findings;
}
