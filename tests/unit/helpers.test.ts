import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage } from "@/lib/i18n/config";
import { firstFreeSlug, slugify } from "@/lib/organizations/slug";
import { normalizeEmail } from "@/lib/security/email";
import {
  generateKey,
  generateTemporaryPassword,
  hashKey,
  keyMatches,
  TEMPORARY_PASSWORD_ALPHABET,
} from "@/lib/security/tokens";

describe("locale negotiation", () => {
  it("picks the best supported language by quality", () => {
    expect(localeFromAcceptLanguage("de-DE,fr-CA;q=0.8,en;q=0.5")).toBe("fr");
    expect(localeFromAcceptLanguage("en-GB,en;q=0.9")).toBe("en");
    expect(localeFromAcceptLanguage("de,ja;q=0.5")).toBeUndefined();
    expect(localeFromAcceptLanguage("fr;q=0, en;q=0.1")).toBe("en");
    expect(localeFromAcceptLanguage(null)).toBeUndefined();
  });
});

describe("slugs", () => {
  it("folds accents and punctuation", () => {
    expect(slugify("Café Müller & Co")).toBe("cafe-muller-co");
    expect(slugify("   ")).toBe("org");
    expect(slugify("x".repeat(100))).toHaveLength(40);
  });
  it("takes the first free suffix", () => {
    expect(firstFreeSlug("acme", new Set())).toBe("acme");
    expect(firstFreeSlug("acme", new Set(["acme", "acme-2"]))).toBe("acme-3");
  });
});

describe("email addresses", () => {
  it("compare trimmed and lower-cased", () => {
    expect(normalizeEmail("  Ada.Lovelace@Example.COM ")).toBe("ada.lovelace@example.com");
  });
});

describe("keys and temporary passwords", () => {
  it("keys carry 256 bits and match only their own hash", () => {
    const key = generateKey();
    expect(Buffer.from(key, "base64url")).toHaveLength(32);
    expect(keyMatches(key, hashKey(key))).toBe(true);
    expect(keyMatches(generateKey(), hashKey(key))).toBe(false);
    expect(keyMatches(key, "not-hex")).toBe(false);
  });
  it("temporary passwords use the unambiguous alphabet and differ", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generateTemporaryPassword();
      expect(p).toHaveLength(16);
      for (const c of p) expect(TEMPORARY_PASSWORD_ALPHABET).toContain(c);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
    expect(TEMPORARY_PASSWORD_ALPHABET).not.toMatch(/[0O1lI]/);
  });
});
