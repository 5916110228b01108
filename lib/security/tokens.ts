import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** A 256-bit random key, URL-safe. Shown once; only its hash is stored. */
export function generateKey(): string {
  return randomBytes(32).toString("base64url");
}

/** SHA-256 hex of a high-entropy key (keys are random, so a slow hash adds nothing). */
export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Constant-time comparison of a presented key with a stored hash. */
export function keyMatches(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashKey(key), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

// No 0/O, 1/l/I: a temporary password is often read aloud or copied by hand.
const UNAMBIGUOUS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A temporary password from a cryptographic generator: 16 characters by default. */
export function generateTemporaryPassword(length = 16): string {
  let out = "";
  for (let i = 0; i < length; i++) out += UNAMBIGUOUS[randomInt(UNAMBIGUOUS.length)];
  return out;
}

export const TEMPORARY_PASSWORD_ALPHABET = UNAMBIGUOUS;
