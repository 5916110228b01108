import { describe, expect, it } from "vitest";
import {
  generateRecoveryCode,
  generateRecoveryCodes,
  hashRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_ALPHABET,
} from "@/lib/two-step/recovery-code-format";

describe("recovery codes", () => {
  it("are ten distinct codes of two groups of five readable characters", () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$/);
    expect(RECOVERY_CODE_ALPHABET).not.toMatch(/[01ilo]/);
  });

  it("draw from the whole alphabet", () => {
    const seen = new Set([...Array.from({ length: 200 }, generateRecoveryCode).join("").replace(/-/g, "")]);
    expect(seen.size).toBe(RECOVERY_CODE_ALPHABET.length);
  });

  it("are read whatever the case, spaces and hyphen", () => {
    expect(normalizeRecoveryCode("ABCDE-FGHJK")).toBe("abcdefghjk");
    expect(normalizeRecoveryCode(" abcde fghjk ")).toBe("abcdefghjk");
    expect(normalizeRecoveryCode("abcdefghjk")).toBe("abcdefghjk");
    expect(normalizeRecoveryCode("abcde-fghj")).toBeNull();
    expect(normalizeRecoveryCode("abcde-fghj0")).toBeNull();
    expect(normalizeRecoveryCode("")).toBeNull();
  });

  it("hash with a key: the same code gives the same hash however typed, another code another, never the code", () => {
    const code = generateRecoveryCode();
    const hash = hashRecoveryCode(code);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(code.toUpperCase().replace("-", " "))).toBe(hash);
    expect(hash).not.toContain(code.replace("-", ""));
    let other = generateRecoveryCode();
    while (other === code) other = generateRecoveryCode();
    expect(hashRecoveryCode(other)).not.toBe(hash);
    expect(hashRecoveryCode("not a code")).toBeNull();
  });

  it("hash differently from a plain SHA-256 of the code, so the database alone cannot check guesses", async () => {
    const { createHash } = await import("node:crypto");
    const code = "abcde-fghjk";
    expect(hashRecoveryCode(code)).not.toBe(createHash("sha256").update("abcdefghjk").digest("hex"));
  });
});
