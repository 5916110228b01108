import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI, generateHOTP } from "@oslojs/otp";

// RFC 6238 with the parameters every authenticator app understands: SHA-1 (what @oslojs/otp's
// HOTP uses), 30-second steps, 6 digits. A code is computed per step with HOTP so that the
// accepted step can be stored and a replay refused, which a time-based check alone cannot do.

export const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
const TOTP_ISSUER = "Gatehouse";
/** Steps accepted on either side of the current one, for clocks that drift a little. */
const TOTP_WINDOW = 1;

/** A fresh 160-bit secret, the size RFC 4226 recommends for SHA-1. */
export function newTotpSecret(): Uint8Array {
  return new Uint8Array(randomBytes(20));
}

/** The time step a moment falls in. */
export function totpStepAt(time: number = Date.now()): number {
  return Math.floor(time / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code of one time step. */
export function totpCodeAt(secret: Uint8Array, step: number): string {
  return generateHOTP(secret, BigInt(step), TOTP_DIGITS);
}

/** Whether a typed code has the shape of a code (spaces, as apps display "123 456", are ignored). */
export function normalizeTotpCode(code: string): string | null {
  const digits = code.replace(/\s+/g, "");
  return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(digits) ? digits : null;
}

/**
 * The time step, within the current one ± TOTP_WINDOW and later than `lastStep`, whose code is
 * `code`; null when none is. Every candidate is compared, in constant time, so the answer's
 * timing does not say which step matched.
 */
export function matchTotpStep(
  secret: Uint8Array,
  code: string,
  options: { now?: number; lastStep?: number | null } = {},
): number | null {
  const typed = normalizeTotpCode(code);
  if (!typed) return null;
  const current = totpStepAt(options.now);
  let matched: number | null = null;
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    const same = timingSafeEqual(Buffer.from(totpCodeAt(secret, step)), Buffer.from(typed));
    if (same && (options.lastStep == null || step > options.lastStep)) matched = step;
  }
  return matched;
}

/** The otpauth:// URI an authenticator app reads from the QR code: issuer Gatehouse, the email as the account. */
export function totpKeyUri(email: string, secret: Uint8Array): string {
  return createTOTPKeyURI(TOTP_ISSUER, email, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The secret in base32, in groups of four, for typing into an app that cannot scan. */
export function totpSecretForTyping(secret: Uint8Array): string {
  return encodeBase32UpperCaseNoPadding(secret).replace(/(.{4})(?=.)/g, "$1 ");
}
