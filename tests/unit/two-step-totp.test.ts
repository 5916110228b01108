import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { describe, expect, it } from "vitest";
import {
  matchTotpStep,
  newTotpSecret,
  normalizeTotpCode,
  totpCodeAt,
  totpKeyUri,
  totpSecretForTyping,
  totpStepAt,
} from "@/lib/two-step/totp";

// RFC 6238 appendix B, SHA-1: the secret "12345678901234567890" at T = 59 s gives 94287082 (8
// digits); the 6-digit code is its last six digits.
const RFC_SECRET = new TextEncoder().encode("12345678901234567890");

describe("TOTP codes", () => {
  it("match RFC 6238's SHA-1 test vectors at 30-second steps", () => {
    expect(totpCodeAt(RFC_SECRET, totpStepAt(59_000))).toBe("287082");
    expect(totpCodeAt(RFC_SECRET, totpStepAt(1_111_111_109_000))).toBe("081804");
    expect(totpCodeAt(RFC_SECRET, totpStepAt(2_000_000_000_000))).toBe("279037");
  });

  const secret = newTotpSecret();
  const now = 1_764_000_000_000;
  const step = totpStepAt(now);

  it("accept the codes of the previous, current and next step, naming the step that matched", () => {
    expect(matchTotpStep(secret, totpCodeAt(secret, step - 1), { now })).toBe(step - 1);
    expect(matchTotpStep(secret, totpCodeAt(secret, step), { now })).toBe(step);
    expect(matchTotpStep(secret, totpCodeAt(secret, step + 1), { now })).toBe(step + 1);
  });

  it("refuse the codes two steps away, another secret's code and malformed input", () => {
    expect(matchTotpStep(secret, totpCodeAt(secret, step - 2), { now })).toBeNull();
    expect(matchTotpStep(secret, totpCodeAt(secret, step + 2), { now })).toBeNull();
    expect(matchTotpStep(newTotpSecret(), totpCodeAt(secret, step), { now })).toBeNull();
    expect(matchTotpStep(secret, "12345", { now })).toBeNull();
    expect(matchTotpStep(secret, "abcdef", { now })).toBeNull();
  });

  it("refuse a step at or before the last accepted one (a replay), and accept a later one", () => {
    const code = totpCodeAt(secret, step);
    expect(matchTotpStep(secret, code, { now, lastStep: null })).toBe(step);
    expect(matchTotpStep(secret, code, { now, lastStep: step })).toBeNull();
    expect(matchTotpStep(secret, totpCodeAt(secret, step - 1), { now, lastStep: step })).toBeNull();
    expect(matchTotpStep(secret, totpCodeAt(secret, step + 1), { now, lastStep: step })).toBe(step + 1);
  });

  it("read a code typed with a space in the middle, as apps display it", () => {
    const code = totpCodeAt(secret, step);
    expect(normalizeTotpCode(`${code.slice(0, 3)} ${code.slice(3)}`)).toBe(code);
    expect(matchTotpStep(secret, ` ${code.slice(0, 3)} ${code.slice(3)} `, { now })).toBe(step);
  });
});

describe("TOTP enrollment material", () => {
  it("is a 20-byte secret, fresh each time", () => {
    const a = newTotpSecret();
    expect(a).toHaveLength(20);
    expect(Buffer.from(a).equals(Buffer.from(newTotpSecret()))).toBe(false);
  });

  it("gives an otpauth URI with issuer Gatehouse, the email as account, SHA-1, 6 digits, 30 s", () => {
    const secret = newTotpSecret();
    const uri = new URL(totpKeyUri("ines@acme.example", secret));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Gatehouse:ines@acme.example");
    expect(uri.searchParams.get("issuer")).toBe("Gatehouse");
    expect(uri.searchParams.get("algorithm")).toBe("SHA1");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
    expect(Buffer.from(decodeBase32IgnorePadding(uri.searchParams.get("secret")!)).equals(Buffer.from(secret))).toBe(
      true,
    );
  });

  it("shows the secret in base32 groups of four that decode back to it", () => {
    const secret = newTotpSecret();
    const typed = totpSecretForTyping(secret);
    expect(typed).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{4}$/);
    expect(Buffer.from(decodeBase32IgnorePadding(typed.replace(/ /g, ""))).equals(Buffer.from(secret))).toBe(true);
  });
});
