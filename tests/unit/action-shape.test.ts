import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// Every server action is one call of a wrapper of lib/action.ts, which looks up the caller, checks
// the permission and the input, and redirects or revalidates after success. An action written any
// other way would have to repeat that sequence, and sooner or later would get it wrong.
const WRAPPERS = new Set(["orgAction", "accountAction", "publicAction"]);

// What only the wrapper may do: read the session or the membership, run the try, redirect,
// revalidate.
const WRAPPER_ONLY = new Set([
  "runAction",
  "getCurrentAccount",
  "getMembershipAccess",
  "readSessionToken",
  "redirect",
  "permanentRedirect",
  "revalidatePath",
  "revalidateTag",
]);

/** What is wrong with the shape of one `actions.ts` source; empty when every export is one wrapper call. */
function actionShapeProblems(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const problems: string[] = [];
  const [first] = file.statements;
  const directive = first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression);
  if (!directive || first.expression.text !== "use server")
    problems.push(`${fileName}: does not start with "use server"`);
  const exported = (node: ts.Node) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

  for (const statement of file.statements) {
    const line = file.getLineAndCharacterOfPosition(statement.getStart(file)).line + 1;
    const where = `${fileName}:${line}`;
    if (
      ts.isImportDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      ts.isInterfaceDeclaration(statement)
    )
      continue;
    if (ts.isExportDeclaration(statement)) {
      if (!statement.isTypeOnly) problems.push(`${where}: re-exports a value`);
      continue;
    }
    if (ts.isExportAssignment(statement)) {
      problems.push(`${where}: has a default export`);
      continue;
    }
    if (ts.isFunctionDeclaration(statement)) {
      problems.push(`${where}: declares function ${statement.name?.text ?? "(anonymous)"} instead of a wrapper call`);
      continue;
    }
    if (!ts.isVariableStatement(statement)) {
      if (exported(statement) || !ts.isExpressionStatement(statement) || statement !== first)
        problems.push(`${where}: a statement other than an import, a type or an action`);
      continue;
    }
    const { declarations } = statement.declarationList;
    if (!exported(statement)) {
      // Shared options (an object of settings) may be named once; a function or a call may not.
      if (!declarations.every((d) => d.initializer && ts.isObjectLiteralExpression(d.initializer)))
        problems.push(`${where}: a top-level value that is not an exported action or shared options`);
      continue;
    }
    if (declarations.length !== 1 || !(statement.declarationList.flags & ts.NodeFlags.Const)) {
      problems.push(`${where}: an export other than one const`);
      continue;
    }
    const init = declarations[0]?.initializer;
    const callee = init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) ? init.expression.text : null;
    if (!callee || !WRAPPERS.has(callee)) {
      problems.push(`${where}: ${declarations[0]?.name.getText(file)} is not one call of ${[...WRAPPERS].join(", ")}`);
    }
  }

  const visit = (node: ts.Node) => {
    const name =
      ts.isCallExpression(node) && ts.isIdentifier(node.expression)
        ? node.expression.text
        : ts.isImportSpecifier(node)
          ? (node.propertyName ?? node.name).text
          : null;
    if (name && WRAPPER_ONLY.has(name)) {
      const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      problems.push(`${fileName}:${line}: ${ts.isImportSpecifier(node) ? "imports" : "calls"} ${name}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return problems;
}

function actionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return actionFiles(full);
    return entry.name === "actions.ts" ? [full] : [];
  });
}

const root = process.cwd();
const files = actionFiles(path.join(root, "app")).map((file) => path.relative(root, file));

describe("the shape of every server action", () => {
  it("finds the action files", () => {
    expect(files).toContain("app/o/[slug]/admin/users/actions.ts");
    expect(files).toContain("app/sign-in/actions.ts");
  });

  it.each(files)("%s exports only wrapper calls and leaves the session, redirects and revalidation to them", (file) => {
    expect(actionShapeProblems(file, readFileSync(path.join(root, file), "utf8"))).toEqual([]);
  });

  it("the checker sees each way an action can be written otherwise (positive control)", () => {
    const wrong = [
      `"use server";`,
      `import { redirect } from "next/navigation";`,
      `import { accountAction, runAction } from "@/lib/action";`,
      `import { getCurrentAccount } from "@/lib/auth/current";`,
      `const create = accountAction(schema, (account, input) => make(account, input));`,
      `export async function createAction(raw: unknown) {`,
      `  const result = await create(raw);`,
      `  if (result.ok) redirect("/o/x");`,
      `  return result;`,
      `}`,
      `export const signInAction = async (raw: unknown) => runAction(schema, raw, async () => getCurrentAccount());`,
      `export const shimmed = refreshing(accountAction(schema, handler));`,
      `export { create };`,
    ].join("\n");
    expect(actionShapeProblems("sample/actions.ts", wrong)).toEqual([
      "sample/actions.ts:5: a top-level value that is not an exported action or shared options",
      "sample/actions.ts:6: declares function createAction instead of a wrapper call",
      "sample/actions.ts:11: signInAction is not one call of orgAction, accountAction, publicAction",
      "sample/actions.ts:12: shimmed is not one call of orgAction, accountAction, publicAction",
      "sample/actions.ts:13: re-exports a value",
      "sample/actions.ts:2: imports redirect",
      "sample/actions.ts:3: imports runAction",
      "sample/actions.ts:4: imports getCurrentAccount",
      "sample/actions.ts:8: calls redirect",
      "sample/actions.ts:11: calls runAction",
      "sample/actions.ts:11: calls getCurrentAccount",
    ]);
    const right = [
      `"use server";`,
      `import { orgAction } from "@/lib/action";`,
      `export type Saved = { id: string };`,
      `export const saveAction = orgAction("settings:manage", schema, (actor, input) => save(actor, input), {`,
      `  revalidate: ({ organizationSlug }) => \`/o/\${organizationSlug}/admin\`,`,
      `});`,
    ].join("\n");
    expect(actionShapeProblems("sample/actions.ts", right)).toEqual([]);
    expect(actionShapeProblems("sample/actions.ts", right.replace(`"use server";`, ""))).toEqual([
      `sample/actions.ts: does not start with "use server"`,
    ]);
  });
});
