import "server-only";
import { createHmac, hkdfSync, randomInt } from "node:crypto";
import { env } from "@/lib/env";

// Recovery codes are random (about 49 bits each), so a keyed hash is enough to store them: a
// slow password hash would add nothing but cost. The key comes from AUTH_SECRET, so a copy of the
// database alone does not allow checking guesses offline.

const RECOVERY_CODE_COUNT = 10;
/** Letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i). */
export const RECOVERY_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
const CODE_LENGTH = 10;

/** One code, `xxxxx-xxxxx`. */
export function generateRecoveryCode(): string {
  let raw = "";
  for (let i = 0; i < CODE_LENGTH; i++) raw += RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)];
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
}

/** A fresh set of RECOVERY_CODE_COUNT distinct codes. */
export function generateRecoveryCodes(): string[] {
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(generateRecoveryCode());
  return [...codes];
}

/** A typed code reduced to its ten characters (case, spaces and the hyphen ignored); null when it cannot be one. */
export function normalizeRecoveryCode(code: string): string | null {
  const raw = code.toLowerCase().replace(/[\s-]+/g, "");
  if (raw.length !== CODE_LENGTH) return null;
  return [...raw].every((c) => RECOVERY_CODE_ALPHABET.includes(c)) ? raw : null;
}

let key: Buffer | undefined;

/** HMAC-SHA-256 of the normalized code, hex; null when the text cannot be a code. */
export function hashRecoveryCode(code: string): string | null {
  const normalized = normalizeRecoveryCode(code);
  if (!normalized) return null;
  key ??= Buffer.from(hkdfSync("sha256", env.AUTH_SECRET, "", "gatehouse recovery codes", 32));
  return createHmac("sha256", key).update(normalized).digest("hex");
}
