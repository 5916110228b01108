import { encode } from "next-auth/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "@/lib/env";
import { decodeSessionToken, SESSION_COOKIE } from "@/lib/auth/session-token";

// Tokens made the way next-auth makes the session cookie: its `encode`, salted with the cookie's name.
const token = (claims: Record<string, unknown>, options: { secret?: string; salt?: string; maxAge?: number } = {}) =>
  encode({
    token: claims,
    secret: options.secret ?? env.AUTH_SECRET,
    salt: options.salt ?? SESSION_COOKIE,
    maxAge: options.maxAge,
  });

describe("reading the session cookie", () => {
  it("returns the account and session version of a cookie next-auth issued", async () => {
    expect(await decodeSessionToken(await token({ sub: "7d1c1f9e-0000-4000-8000-000000000001", sv: 3 }))).toEqual({
      accountId: "7d1c1f9e-0000-4000-8000-000000000001",
      sessionVersion: 3,
    });
  });

  it("refuses a missing, malformed, foreign-secret, other-cookie or expired token", async () => {
    const claims = { sub: "7d1c1f9e-0000-4000-8000-000000000001", sv: 1 };
    expect(await decodeSessionToken(undefined)).toBeNull();
    expect(await decodeSessionToken("not-a-token")).toBeNull();
    expect(
      await decodeSessionToken(await token(claims, { secret: "another secret that is long enough to be accepted" })),
    ).toBeNull();
    expect(await decodeSessionToken(await token(claims, { salt: "gatehouse.callback-url" }))).toBeNull();
    expect(await decodeSessionToken(await token(claims, { maxAge: -60 }))).toBeNull();
    const valid = await token(claims);
    expect(await decodeSessionToken(valid.slice(0, -2) + (valid.endsWith("AA") ? "BB" : "AA"))).toBeNull();
  });

  it("stops accepting a token it has already read once the token expires", async () => {
    afterEach(() => vi.useRealTimers());
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    const shortLived = await token({ sub: "7d1c1f9e-0000-4000-8000-000000000002", sv: 1 }, { maxAge: 60 });
    expect(await decodeSessionToken(shortLived)).toMatchObject({ sessionVersion: 1 });
    expect(await decodeSessionToken(shortLived)).toMatchObject({ sessionVersion: 1 });
    // next-auth allows 15 s of clock skew past the expiry.
    vi.setSystemTime(start + 80_000);
    expect(await decodeSessionToken(shortLived)).toBeNull();
  });

  it("refuses a token without an account or a session version", async () => {
    expect(await decodeSessionToken(await token({ sv: 1 }))).toBeNull();
    expect(await decodeSessionToken(await token({ sub: "7d1c1f9e-0000-4000-8000-000000000001" }))).toBeNull();
  });
});
