import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// A domain function that takes an actor checks the permission before it reads, locks or hashes
// anything: `assertCan(actor, …)` is its first statement. Functions that take a transaction are
// steps of a caller's mutation, which checked first; lib/auth/actor.ts defines the checks.
const EXEMPT = new Set(["lib/auth/actor.ts", "lib/action.ts"]);

function problems(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const statement of file.statements) {
    if (!ts.isFunctionDeclaration(statement) || !statement.body || !statement.name) continue;
    const exported = (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const types = statement.parameters.map((p) => p.type?.getText(file) ?? "");
    if (!exported || !types.includes("Actor") || types.includes("Transaction")) continue;
    const actor = statement.parameters[types.indexOf("Actor")]?.name.getText(file);
    const [first] = statement.body.statements;
    const call = first && ts.isExpressionStatement(first) ? first.expression : undefined;
    const checks =
      call &&
      ts.isCallExpression(call) &&
      call.expression.getText(file) === "assertCan" &&
      call.arguments[0]?.getText(file) === actor;
    if (!checks) out.push(`${fileName}: ${statement.name.text} does not start with assertCan(${actor}, …)`);
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const root = process.cwd();
const files = sources(path.join(root, "lib"))
  .map((file) => path.relative(root, file))
  .filter((file) => !EXEMPT.has(file));

describe("permission first in lib/", () => {
  it("every exported function that takes an actor starts with assertCan", () => {
    const found = files.flatMap((file) => problems(file, readFileSync(path.join(root, file), "utf8")));
    expect(found).toEqual([]);
  });

  it("the check sees a function that reads before it checks (positive control)", () => {
    const sample = [
      `export async function listThings(actor: Actor, input: Input) {`,
      `  const db = await getDb();`,
      `  assertCan(actor, "members:read");`,
      `}`,
      `export async function stepOfMutation(tx: Transaction, actor: Actor) { await tx.select(); }`,
      `export async function checked(actor: Actor) { assertCan(actor, "audit:read"); }`,
      `export function otherActor(actor: Actor, other: Actor) { assertCan(other, "audit:read"); }`,
    ].join("\n");
    expect(problems("sample.ts", sample)).toEqual([
      "sample.ts: listThings does not start with assertCan(actor, …)",
      "sample.ts: otherActor does not start with assertCan(actor, …)",
    ]);
  });
});
