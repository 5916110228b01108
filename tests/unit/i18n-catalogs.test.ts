import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { locales } from "@/lib/i18n/config";

const root = path.join(process.cwd(), "lib", "i18n", "messages");

function flatten(value: unknown, prefix = ""): string[] {
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

function keysOf(locale: string): Set<string> {
  const dir = path.join(root, locale);
  return new Set(
    readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .flatMap((f) => flatten(JSON.parse(readFileSync(path.join(dir, f), "utf8")), path.basename(f, ".json"))),
  );
}

describe("message catalogs", () => {
  const catalogs = Object.fromEntries(locales.map((l) => [l, keysOf(l)]));

  it.each(locales)("%s has every key that another catalog has", (locale) => {
    const mine = catalogs[locale]!;
    const missing = locales.flatMap((other) =>
      [...catalogs[other]!].filter((k) => !mine.has(k)).map((k) => `${k} (from ${other})`),
    );
    expect(missing).toEqual([]);
  });

  it("has no empty message", () => {
    for (const locale of locales) {
      for (const file of readdirSync(path.join(root, locale))) {
        const text = readFileSync(path.join(root, locale, file), "utf8");
        expect(text, `${locale}/${file}`).not.toMatch(/:\s*""/);
      }
    }
  });

  it("holds every validation key used by the schemas", () => {
    const used = new Set<string>();
    const scan = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) scan(full);
        else if (entry.name.endsWith(".ts")) {
          for (const m of readFileSync(full, "utf8").matchAll(/error:\s*"([a-zA-Z.]+)"/g)) used.add(m[1]!);
        }
      }
    };
    scan(path.join(process.cwd(), "lib"));
    const missing = [...used].map((k) => (k.includes(".") ? k : `validation.${k}`)).filter((k) => !catalogs.en!.has(k));
    expect(missing).toEqual([]);
  });
});
