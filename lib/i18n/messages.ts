import "server-only";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import compile from "icu-minify/compile";
import formatMessage from "use-intl/format-message";
import type { AppLocale } from "./config";

export type Messages = Record<string, Record<string, unknown>>;

const root = path.join(process.cwd(), "lib", "i18n", "messages");
const cache = new Map<AppLocale, Messages>();

/**
 * Whether the formatter wants compiled messages. next.config.ts turns on next-intl's precompiled
 * messages: in the app's bundles (server and browser) `use-intl/format-message` is then a
 * formatter of compiled ICU messages, and the browser carries no ICU parser. Elsewhere (the email
 * worker CLI, the tests) it is the parsing formatter, and the catalog stays as written.
 */
const compiled = formatMessage.raw === false;

// As next-intl's catalog loader does, the result goes through JSON: the compiler's null-prototype
// objects could not be passed to Client Components.
export function compileMessages(value: Record<string, unknown>): Record<string, unknown> {
  const walk = (node: unknown): unknown =>
    typeof node === "string"
      ? compile(node)
      : Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([key, child]) => [key, walk(child)]));
  return JSON.parse(JSON.stringify(walk(value)));
}

/**
 * The catalog of a locale: every `messages/<locale>/<namespace>.json`, keyed by namespace.
 * Read from disk once per process, so a domain adds its namespace file without a central list.
 */
export function loadMessages(locale: AppLocale): Messages {
  const cached = cache.get(locale);
  if (cached) return cached;
  const dir = path.join(root, locale);
  const messages: Messages = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const namespace: Record<string, unknown> = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
    messages[path.basename(file, ".json")] = compiled ? compileMessages(namespace) : namespace;
  }
  cache.set(locale, messages);
  return messages;
}

/** The given namespaces of a catalog (an unknown name is an error, not a silent omission). */
export function pickMessages(messages: Messages, namespaces: readonly string[]): Messages {
  const picked: Messages = {};
  for (const namespace of namespaces) {
    const value = messages[namespace];
    if (!value) throw new Error(`Unknown message namespace "${namespace}"`);
    picked[namespace] = value;
  }
  return picked;
}
