import { describe, expect, it } from "vitest";
import { DEFAULT_RETURN_PATH, resolveReturnPath, safeReturnPath } from "@/lib/security/redirects";

const APP_URL = "https://console.example.com";
const ORIGIN = new URL(APP_URL).origin;

// Known open-redirect payloads: each one has sent a browser off-site from some application.
const attacks = [
  "/..//evil.test",
  "/..//evil.test/phish",
  "/.//evil.test",
  "/./..//evil.test",
  "/o/../..//evil.test",
  "/o/acme/../../..//evil.test",
  "/%2e%2e//evil.test",
  "/%2E%2E//evil.test",
  "/%2e//evil.test",
  "/.%2e//evil.test",
  "/%2e%2e/%2fevil.test",
  "/%2f%2fevil.test",
  "/%2F%2Fevil.test",
  "/%5c%5cevil.test",
  "/%5cevil.test",
  "//evil.test",
  "///evil.test",
  "////evil.test/",
  "//",
  "/\\",
  "/\\evil.test",
  "\\\\evil.test",
  "\\/evil.test",
  "/\t/evil.test",
  "/\n/evil.test",
  "/\r/evil.test",
  "/\r\n/evil.test",
  "\t//evil.test",
  " //evil.test",
  "/ /evil.test",
  "/\u0000/evil.test",
  "/\u007f/evil.test",
  "/\u0085/evil.test",
  "/@evil.test",
  "//@evil.test",
  "//user:pass@evil.test",
  "https://evil.test",
  "http://evil.test/phish",
  "https:evil.test",
  "http:/evil.test",
  "//evil.test:443@console.example.com",
  "http://localhost:3000@evil.test",
  "https://console.example.com@evil.test",
  "https://console.example.com.evil.test/",
  "https://user@console.example.com/o/acme",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "java\tscript:alert(1)",
  "/javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "vbscript:msgbox(1)",
  "//xn--80ak6aa92e.com",
  "//аррӏе.com",
  "https://xn--e1awd7f.com/",
  "／／evil.test",
  "/／evil.test",
  "/\uff0e\uff0e//evil.test",
  "/\u3002/evil.test",
  "/\u2028/evil.test",
  `/${"a".repeat(5000)}`,
  `/o/${"a/".repeat(2000)}`,
  "/api/auth/signout",
  "/_next/static/chunks/main.js",
  "/dev/mailbox",
  "/sign-in?callbackUrl=//evil.test",
  "/é//evil.test",
  "/%E2%80%AE//evil.test",
  "/o//evil.test",
  "/o/acme//evil.test",
  "?next=//evil.test",
  "#//evil.test",
  "evil.test",
  "",
];

function expectSafe(result: string) {
  expect(result.startsWith("/")).toBe(true);
  expect(result.startsWith("//")).toBe(false);
  expect(result).not.toMatch(/[\u0000-\u0020\u007f-\uffff\\]/);
  expect(new URL(result, APP_URL).origin).toBe(ORIGIN);
}

describe("return targets", () => {
  it("the corpus holds at least 40 payloads", () => {
    expect(attacks.length).toBeGreaterThanOrEqual(40);
  });

  it.each(attacks.map((payload) => [JSON.stringify(payload).slice(0, 80), payload]))(
    "refuses %s: the default page",
    (_label, payload) => {
      const result = resolveReturnPath(payload, APP_URL);
      expectSafe(result);
      expect(result).toBe(DEFAULT_RETURN_PATH);
    },
  );

  it("refuses values that are not strings", () => {
    for (const value of [undefined, null, 1, {}, ["/o/acme"]]) expect(resolveReturnPath(value, APP_URL)).toBe("/");
  });

  it("refuses an absolute URL even of this app: return targets are paths", () => {
    expect(resolveReturnPath("https://console.example.com/o/acme", APP_URL)).toBe("/");
  });

  it("uses the given fallback for a refused target", () => {
    expect(resolveReturnPath("//evil.test", APP_URL, "/invite")).toBe("/invite");
  });

  it.each([
    ["/", "/"],
    ["/o/acme", "/o/acme"],
    ["/o/acme/admin/users?page=2", "/o/acme/admin/users?page=2"],
    ["/o/acme/admin/users?q=ada&role=administrator&page=3", "/o/acme/admin/users?q=ada&role=administrator&page=3"],
    [
      "/o/acme/admin/audit?before=MjAyNi0wMS0wMVQwMDowMDowMC4wMDAwMDBafDE",
      "/o/acme/admin/audit?before=MjAyNi0wMS0wMVQwMDowMDowMC4wMDAwMDBafDE",
    ],
    ["/orgs/new", "/orgs/new"],
    ["/o/acme/admin/settings/general#top", "/o/acme/admin/settings/general"],
    ["/o/acme/../acme/admin/users", "/o/acme/admin/users"],
    ["/o/acme/%2e%2e/beta", "/o/beta"],
  ])("keeps the app path %s as %s", (payload, expected) => {
    expect(resolveReturnPath(payload, APP_URL)).toBe(expected);
  });

  it("percent-encodes non-ASCII paths and queries, so the redirect header can carry them", () => {
    expect(resolveReturnPath("/o/acmé/admin/users?q=zoë", APP_URL)).toBe("/o/acm%C3%A9/admin/users?q=zo%C3%AB");
    expect(resolveReturnPath("/o/日本/admin", APP_URL)).toBe("/o/%E6%97%A5%E6%9C%AC/admin");
    expect(resolveReturnPath("/o/acm%C3%A9", APP_URL)).toBe("/o/acm%C3%A9");
  });

  it("resolves against the configured APP_URL", () => {
    expect(safeReturnPath("/o/acme/admin/users?page=2")).toBe("/o/acme/admin/users?page=2");
    expect(safeReturnPath("/..//evil.test/phish")).toBe("/");
  });
});
