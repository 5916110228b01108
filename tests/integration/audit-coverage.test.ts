import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { is } from "drizzle-orm";
import { PgTable, getTableConfig } from "drizzle-orm/pg-core";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as schema from "@/db/schema";

// A static check over the source, so it covers the domain functions others add later: every
// exported function of lib/ that writes to the database must record an audit event (directly or
// through a helper that does), unless it is listed below with the reason it is not audited.
// Functions that take a transaction or executor as their first parameter are pieces of their
// caller's transaction: their writes count against the caller.

/** Tables whose rows are bookkeeping, not state an administrator acts on. */
const BOOKKEEPING_TABLES: Record<string, string> = {
  rateLimits: "attempt counters (sign-in, lookups, keys)",
  idempotencyRecords: "replay protection for double submissions",
  emailOutbox: "email delivery; the change that sends an email is audited itself",
  emailRateBuckets: "the provider's request rate, shared by the delivery workers",
  spentPasswordSheets: "single-use marks of downloaded password sheets",
  spentChallenges: "single-use marks of answered passkey challenges",
};

/** Exported functions that change other state without an audit event, and why. */
const NOT_AUDITED: Record<string, string> = {
  authenticateWithPassword: "sign-in bookkeeping: the last sign-in time",
  createSessionRecord: "the session row of a sign-in, which is not an audit event either",
  startSession: "opens the session of a sign-in (its row, then the cookie)",
  revokeSession: "signing one browser out; signing out everywhere is audited",
  endSession: "signs this browser out (revokes its row, clears the cookie)",
  startTotpEnrollment: "an authenticator app not yet confirmed is no factor; confirming it is audited",
  verifyTotpCode: "sign-in bookkeeping: the authenticator's last accepted time step",
  verifyPasskeyAuthentication: "sign-in bookkeeping: the passkey's counter and last use",
  authenticateWithPasskey: "sign-in bookkeeping: the last sign-in time",
};

const root = process.cwd();
const tableVariables = new Map(
  Object.entries(schema)
    .filter(([, value]) => is(value, PgTable))
    .map(([name, table]) => [name, getTableConfig(table as PgTable).name]),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

type Fn = { name: string; file: string; exported: boolean; helper: boolean; body: string; calls: Set<string> };

const audited = [...tableVariables].filter(([variable]) => !(variable in BOOKKEEPING_TABLES));
const WRITE_CALL = new RegExp(
  `\\.(insert|update|delete)\\(\\s*(${audited.map(([variable]) => variable).join("|")})\\b`,
);
const WRITE_SQL = new RegExp(
  `\\b(insert\\s+into|update|delete\\s+from)\\s+"?(${audited.map(([, table]) => table).join("|")})"?\\b`,
  "i",
);

function functionsOf(file: string): Fn[] {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Fn[] = [];
  const add = (name: string, node: ts.SignatureDeclaration & { body?: ts.Node }, exported: boolean) => {
    if (!node.body) return;
    const first = node.parameters[0]?.type?.getText(source) ?? "";
    const body = node.body.getText(source);
    const calls = new Set([...body.matchAll(/\b([A-Za-z_$][\w$]*)\s*(?:<[^>()]*>)?\(/g)].map((m) => m[1]!));
    found.push({
      name,
      file: path.relative(root, file),
      exported,
      helper: /\b(Transaction|Executor)\b/.test(first),
      body,
      calls,
    });
  };
  const isExported = (node: ts.Node) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name)
      add(statement.name.text, statement, isExported(statement));
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        let init = declaration.initializer;
        // `export const f = cache(async (…) => …)` and the like.
        while (init && ts.isCallExpression(init) && init.arguments.length) init = init.arguments.at(-1);
        if (ts.isIdentifier(declaration.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
          add(declaration.name.text, init, isExported(statement));
        }
      }
    }
  }
  return found;
}

const functions = sourceFiles(path.join(root, "lib")).flatMap(functionsOf);
const byName = new Map<string, Fn[]>();
for (const fn of functions) byName.set(fn.name, [...(byName.get(fn.name) ?? []), fn]);

/** Whether the function, or anything it calls by name in lib/, matches `test`. */
function reaches(fn: Fn, test: (fn: Fn) => boolean, seen = new Set<Fn>()): boolean {
  if (seen.has(fn)) return false;
  seen.add(fn);
  if (test(fn)) return true;
  return [...fn.calls].some((name) => (byName.get(name) ?? []).some((callee) => reaches(callee, test, seen)));
}

const writes = (fn: Fn) =>
  fn.file !== path.join("lib", "audit", "record.ts") && (WRITE_CALL.test(fn.body) || WRITE_SQL.test(fn.body));
const records = (fn: Fn) => /\brecordAudit(Sql)?\s*\(/.test(fn.body);

describe("audit coverage", () => {
  it("finds the domain's mutating functions (the scan itself works)", () => {
    const mutating = functions.filter((fn) => fn.exported && !fn.helper && reaches(fn, writes)).map((fn) => fn.name);
    expect(mutating).toEqual(
      expect.arrayContaining(["completeFirstRun", "createOrganization", "authenticateWithPassword"]),
    );
    const helpers = functions.filter((fn) => fn.helper && reaches(fn, writes)).map((fn) => fn.name);
    expect(helpers).toContain("insertOrganizationWithOwner");
    expect(helpers).toContain("pruneExpiredRows");
    expect(helpers).not.toContain("countAttempt");
  });

  it("every exported function that changes state records an audit event, or says why not", () => {
    const missing = functions
      .filter(
        (fn) => fn.exported && !fn.helper && !(fn.name in NOT_AUDITED) && reaches(fn, writes) && !reaches(fn, records),
      )
      .map(
        (fn) =>
          `${fn.name} (${fn.file}) writes to the database but records no audit event: ` +
          "call recordAudit(tx, …) in its transaction, or add it to NOT_AUDITED with the reason",
      );
    expect(missing).toEqual([]);
  });

  it("lists no function as not audited that no longer exists or no longer writes", () => {
    const stale = Object.keys(NOT_AUDITED).filter(
      (name) => !(byName.get(name) ?? []).some((fn) => fn.exported && reaches(fn, writes)),
    );
    expect(stale).toEqual([]);
  });
});

describe("audit events are append-only", () => {
  const files = ["app", "lib", "db", "components"].flatMap((dir) => sourceFiles(path.join(root, dir)));

  it("no code updates or deletes them", () => {
    const offending = files.filter((file) => {
      const text = readFileSync(file, "utf8");
      return (
        /\.(update|delete)\(\s*auditEvents\b/.test(text) ||
        /\b(update\s+"?audit_events"?|delete\s+from\s+"?audit_events"?)\b/i.test(text)
      );
    });
    expect(offending.map((f) => path.relative(root, f))).toEqual([]);
  });

  it("only recordAudit writes them", () => {
    const writers = files.filter((file) => /\.insert\(\s*auditEvents\b/.test(readFileSync(file, "utf8")));
    expect(writers.map((f) => path.relative(root, f))).toEqual([path.join("lib", "audit", "record.ts")]);
  });
});
