import "server-only";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { AppLocale } from "./config";

export type Messages = Record<string, Record<string, unknown>>;

const root = path.join(process.cwd(), "lib", "i18n", "messages");
const cache = new Map<AppLocale, Messages>();

/**
 * The catalog of a locale: every `messages/<locale>/<namespace>.json`, keyed by namespace.
 * Read from disk once per process, so a domain adds its namespace file without a central list.
 */
export function loadMessages(locale: AppLocale): Messages {
  const cached = cache.get(locale);
  if (cached) return cached;
  const dir = path.join(root, locale);
  const messages: Messages = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    messages[path.basename(file, ".json")] = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
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
