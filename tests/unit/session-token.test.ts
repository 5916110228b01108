import { encode } from "next-auth/jwt";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { env } from "@/lib/env";
import { createSignInGrant, verifySignInGrant } from "@/lib/auth/grant";
import { decodeSessionToken, SESSION_COOKIE, sessionClaims } from "@/lib/auth/session-token";

const ACCOUNT = "7d1c1f9e-0000-4000-8000-000000000001";
const SESSION = "0b7e6a53-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

// Tokens made the way next-auth makes the session cookie: its `encode`, salted with the cookie's name.
const token = (claims: Record<string, unknown>, options: { secret?: string; salt?: string; maxAge?: number } = {}) =>
  encode({
    token: claims,
    secret: options.secret ?? env.AUTH_SECRET,
    salt: options.salt ?? SESSION_COOKIE,
    maxAge: options.maxAge,
  });

describe("reading the session cookie", () => {
  it("returns the account, session version and session id of a cookie next-auth issued", async () => {
    expect(await decodeSessionToken(await token({ sub: ACCOUNT, sv: 3, sid: SESSION }))).toEqual({
      accountId: ACCOUNT,
      sessionVersion: 3,
      sessionId: SESSION,
    });
  });

  it("refuses a missing, malformed, foreign-secret, other-cookie or expired token", async () => {
    const claims = { sub: ACCOUNT, sv: 1, sid: SESSION };
    expect(await decodeSessionToken(undefined)).toBeNull();
    expect(await decodeSessionToken("not-a-token")).toBeNull();
    expect(
      await decodeSessionToken(await token(claims, { secret: "another secret that is long enough to be accepted" })),
    ).toBeNull();
    expect(await decodeSessionToken(await token(claims, { salt: "gatehouse.callback-url" }))).toBeNull();
    expect(await decodeSessionToken(await token(claims, { maxAge: -60 }))).toBeNull();
    const valid = await token(claims);
    // One character of the ciphertext changed (in the middle: the last one's low bits may be padding).
    const at = Math.floor(valid.length / 2);
    const tampered = `${valid.slice(0, at)}${valid[at] === "A" ? "B" : "A"}${valid.slice(at + 1)}`;
    expect(await decodeSessionToken(valid)).not.toBeNull();
    expect(await decodeSessionToken(tampered)).toBeNull();
  });

  it("stops accepting a token it has already read once the token expires", async () => {
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    const shortLived = await token(
      { sub: "7d1c1f9e-0000-4000-8000-000000000002", sv: 1, sid: SESSION },
      { maxAge: 60 },
    );
    expect(await decodeSessionToken(shortLived)).toMatchObject({ sessionVersion: 1 });
    expect(await decodeSessionToken(shortLived)).toMatchObject({ sessionVersion: 1 });
    // next-auth allows 15 s of clock skew past the expiry.
    vi.setSystemTime(start + 80_000);
    expect(await decodeSessionToken(shortLived)).toBeNull();
  });

  it("refuses a token without an account or a session version", async () => {
    expect(await decodeSessionToken(await token({ sv: 1, sid: SESSION }))).toBeNull();
    expect(await decodeSessionToken(await token({ sub: ACCOUNT, sid: SESSION }))).toBeNull();
  });

  it("refuses a token without a session id (issued before sessions had rows) or with a malformed one", async () => {
    expect(await decodeSessionToken(await token({ sub: ACCOUNT, sv: 1 }))).toBeNull();
    expect(await decodeSessionToken(await token({ sub: ACCOUNT, sv: 1, sid: "not-a-uuid" }))).toBeNull();
    expect(await decodeSessionToken(await token({ sub: ACCOUNT, sv: 1, sid: 42 }))).toBeNull();
    expect(await decodeSessionToken(await token({ sub: ACCOUNT, sv: 1, sid: SESSION }))).not.toBeNull();
  });
});

describe("the session id from sign-in to cookie", () => {
  it("travels in the signed grant, and the cookie's claims carry it next to the account and version", () => {
    const grant = verifySignInGrant(createSignInGrant({ accountId: ACCOUNT, sessionVersion: 2, sessionId: SESSION }));
    expect(grant).toEqual({ accountId: ACCOUNT, sessionVersion: 2, sessionId: SESSION });
    const claims = sessionClaims({
      token: {},
      user: { id: grant!.accountId, sessionVersion: grant!.sessionVersion, sessionId: grant!.sessionId },
    });
    expect(claims).toMatchObject({ sub: ACCOUNT, sv: 2, sid: SESSION });
    // Later calls (no user) keep the claims as they are.
    expect(sessionClaims({ token: claims })).toEqual(claims);
  });

  it("refuses a grant whose session id was changed", () => {
    const grant = createSignInGrant({ accountId: ACCOUNT, sessionVersion: 2, sessionId: SESSION });
    const swapped = grant.replace(SESSION, "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11");
    expect(verifySignInGrant(swapped)).toBeNull();
    expect(verifySignInGrant(grant)).not.toBeNull();
  });
});
