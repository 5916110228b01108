import type { CompiledMessage } from "icu-minify/format";
import type { ReactNode } from "react";
import { createTranslator } from "next-intl";
import { _createCache, _createIntlFormatters } from "use-intl/core";
import formatCompiled from "use-intl/format-message/format-only";
import { describe, expect, it } from "vitest";
import { locales } from "@/lib/i18n/config";
import { compileMessages, loadMessages } from "@/lib/i18n/messages";

// The app's bundles format compiled messages (next.config.ts: next-intl's precompiled messages);
// the tests, like the email worker CLI, parse them as written. Every message of every catalog must
// read the same both ways, for each value its arguments can take.

type TagFunction = (chunks: ReactNode) => string;
type Values = Record<string, string | number | TagFunction>;

/** For each argument of a compiled message, the values worth trying. */
function argumentCandidates(message: CompiledMessage, into = new Map<string, Values[string][]>()) {
  const visit = (node: unknown): void => {
    if (!Array.isArray(node)) return;
    const [name, kind, options] = node as [string, unknown, Record<string, CompiledMessage>];
    if (node.length === 1) into.set(name, [`‹${name}›`]);
    else if (kind === 1) {
      into.set(name, [...Object.keys(options).filter((k) => k !== "other"), "something-else"]);
      Object.values(options).forEach((m) => argumentCandidates(m, into));
    } else if (kind === 2 || kind === 3) {
      into.set(name, [0, 1, 2, 5, 21]);
      Object.values(options).forEach((m) => argumentCandidates(m, into));
    } else if (typeof kind === "number") into.set(name, [1234.5]);
    else {
      const tag: TagFunction = (chunks) =>
        `<${name}>${Array.isArray(chunks) ? chunks.join("") : String(chunks)}</${name}>`;
      into.set(name, [tag]);
      node.slice(1).forEach(visit);
    }
  };
  if (Array.isArray(message)) message.forEach(visit);
  return into;
}

function valueSets(candidates: Map<string, Values[string][]>): Values[] {
  let sets: Values[] = [{}];
  for (const [name, values] of candidates)
    sets = sets.flatMap((set) => values.map((value) => ({ ...set, [name]: value })));
  return sets;
}

function keysOf(tree: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === "string" ? [`${prefix}${k}`] : keysOf(v as Record<string, unknown>, `${prefix}${k}.`),
  );
}

function at(tree: unknown, key: string): unknown {
  return key.split(".").reduce((node, part) => (node as Record<string, unknown>)[part], tree);
}

describe("precompiled messages", () => {
  it.each(locales)("%s: every message reads the same compiled as parsed", (locale) => {
    const raw = loadMessages(locale);
    const compiled = Object.fromEntries(
      Object.entries(raw).map(([namespace, messages]) => [namespace, compileMessages(messages)]),
    );
    const parsed = createTranslator({ locale, messages: raw, timeZone: "UTC" }) as unknown as {
      markup: (key: string, values: Values) => string;
    };
    const cache = _createCache();
    const options = { cache, formatters: _createIntlFormatters(cache), locale, timeZone: "UTC" };
    let checked = 0;
    for (const key of keysOf(raw)) {
      const message = at(compiled, key) as CompiledMessage;
      for (const values of valueSets(argumentCandidates(message))) {
        const expected = parsed.markup(key, values);
        const actual = formatCompiled(key, message, values, options);
        expect(Array.isArray(actual) ? actual.join("") : actual, `${locale} ${key} ${JSON.stringify(values)}`).toBe(
          expected,
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("hands Client Components plain JSON", () => {
    const compiled = compileMessages({ intro: "{count, plural, one {# address} other {# addresses}}" });
    const [plural] = compiled.intro as [[string, number, object]];
    expect(Object.getPrototypeOf(plural[2])).toBe(Object.prototype);
  });
});
