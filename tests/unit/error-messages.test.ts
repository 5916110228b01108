import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { locales } from "@/lib/i18n/config";

// A domain error is translated with the params it carries: a placeholder of its message that the
// error does not fill prints "undefined" in front of the person ("You are signed in as undefined.").

const root = process.cwd();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

/** The text from an opening parenthesis to the one that closes it. */
function callText(source: string, open: number): string {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === "(") depth++;
    else if (source[i] === ")" && --depth === 0) return source.slice(open, i + 1);
  }
  return source.slice(open);
}

type Thrown = { code: string; params: Set<string> | null; where: string };

/** `new DomainError("code", { … params: { a, b: … } })` in lib/; params null when built elsewhere. */
function domainErrors(): Thrown[] {
  const found: Thrown[] = [];
  for (const file of sourceFiles(path.join(root, "lib"))) {
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/new DomainError\(\s*"([^"]+)"/g)) {
      const call = callText(source, match.index + "new DomainError".length);
      const literal = /params:\s*\{([^}]*)\}/.exec(call);
      const built = /params:/.test(call) && !literal;
      const params = literal
        ? new Set([...literal[1]!.matchAll(/([A-Za-z_]\w*)\s*(?::|,|$)/g)].map((m) => m[1]!))
        : built
          ? null
          : new Set<string>();
      found.push({ code: match[1]!, params, where: path.relative(root, file) });
    }
  }
  return found;
}

function message(locale: string, key: string): string | undefined {
  const [namespace, ...rest] = key.split(".");
  const file = path.join(root, "lib", "i18n", "messages", locale, `${namespace}.json`);
  let value: unknown = JSON.parse(readFileSync(file, "utf8"));
  for (const part of rest) value = (value as Record<string, unknown> | undefined)?.[part];
  return typeof value === "string" ? value : undefined;
}

/** The arguments an ICU message reads: `{name}`, `{name, plural, …}`, `{name, select, …}`. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\s*([A-Za-z_]\w*)\s*[,}]/g)].map((m) => m[1]!);
}

describe("domain error messages", () => {
  const errors = domainErrors().filter((e) => e.params !== null);

  it("finds the errors it checks", () => {
    expect(errors.map((e) => e.code)).toContain("invite.otherAccount");
  });

  it.each(locales)("%s: every placeholder of an error's message is filled by the error's params", (locale) => {
    const unfilled = errors.flatMap(({ code, params, where }) => {
      const key = code.includes(".") ? code : `errors.${code}`;
      const text = message(locale, key);
      if (!text) return [];
      return placeholders(text)
        .filter((name) => !params!.has(name))
        .map((name) => `${key} {${name}} (${where})`);
    });
    expect(unfilled).toEqual([]);
  });
});
