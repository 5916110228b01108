import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { safeReturnUrl } from "@/lib/security/redirects";

describe("safeReturnUrl: the return target of next-auth's own endpoints (/api/auth/…)", () => {
  const at = (path: string) => new URL(path, env.APP_URL).toString();

  it("send a crafted callbackUrl to the default page, as every return target", () => {
    for (const url of ["https://evil.test/phish", "//evil.test/phish", "/..//evil.test/phish", "/\\evil.test"])
      expect(safeReturnUrl(url)).toBe(at("/"));
  });

  it("keep a path of the app, on APP_URL (positive control); a target is a path, never a whole URL", () => {
    expect(safeReturnUrl("/o/acme/admin/users?q=ada")).toBe(at("/o/acme/admin/users?q=ada"));
    expect(safeReturnUrl("/account")).toBe(at("/account"));
    expect(safeReturnUrl(at("/account"))).toBe(at("/"));
  });
});
