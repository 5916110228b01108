import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

/** The variables lib/env.ts parses: the keys of its zod object, one per line. */
function variablesReadBy(source: string): string[] {
  const body = source.slice(source.indexOf("z\n  .object({"), source.indexOf("  })\n  .refine("));
  return [...body.matchAll(/^ {4}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
}

/** The variables .env.example sets or shows commented out (`NAME=` or `# NAME=`). */
function variablesListedIn(example: string): string[] {
  return [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
}

// Set by Next.js and `npm start` themselves; .env.example says so in a comment.
const SET_BY_THE_FRAMEWORK = ["NODE_ENV", "NEXT_PHASE"];

describe(".env.example", () => {
  const parsed = variablesReadBy(read("lib/env.ts"));
  const example = read(".env.example");
  const listed = variablesListedIn(example);

  it("finds the variables lib/env.ts reads (the scan itself works)", () => {
    expect(parsed).toEqual(expect.arrayContaining(["DATABASE_URL", "AUTH_SECRET", "TRUSTED_PROXY_HOPS"]));
    expect(variablesListedIn("# A_B=\nC_D=1\nnot_this=1\n# comment E_F\n")).toEqual(["A_B", "C_D"]);
  });

  it("lists every variable lib/env.ts reads", () => {
    const missing = parsed.filter((name) => !SET_BY_THE_FRAMEWORK.includes(name) && !listed.includes(name));
    expect(missing).toEqual([]);
    for (const name of SET_BY_THE_FRAMEWORK) expect(example).toContain(name);
  });

  it("lists nothing that lib/env.ts does not read", () => {
    expect(listed.filter((name) => !parsed.includes(name))).toEqual([]);
  });
});
