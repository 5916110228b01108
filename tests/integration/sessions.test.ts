import { and, eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { queryCounter } from "@/db/query-counter";
import { accounts, auditEvents, sessions } from "@/db/schema";
import { getCurrentAccount, getMembershipAccess } from "@/lib/auth/current";
import { verifySignInGrant } from "@/lib/auth/grant";
import { endAllSessions, endSession, startSession } from "@/lib/auth/session";
import { SESSION_COOKIE, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/session-token";
import { env } from "@/lib/env";
import { withTestDatabase } from "../support/db";
import { createAccount, createOrganizationWithOwner, createSession } from "../support/factories";

// The session code runs for real, down to decrypting the cookie (with the decode cache);
// only what needs an HTTP request is stood in for: the cookie jar, the request's headers, and
// next-auth's cookie writing (its signIn and signOut), which records what it was handed.
const request = vi.hoisted(() => ({ cookie: undefined as string | undefined }));
const nextAuth = vi.hoisted(() => ({ grants: [] as unknown[], signOuts: 0 }));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (name === "gatehouse.session" && request.cookie ? { value: request.cookie } : undefined),
  }),
}));
vi.mock("@/lib/auth/request-meta", () => ({
  getRequestMeta: async () => ({ ip: "198.51.100.23", userAgent: "vitest session" }),
}));
vi.mock("@/lib/auth/next-auth", () => ({
  signIn: async (_provider: string, options: { grant: unknown }) => {
    nextAuth.grants.push(options.grant);
  },
  signOut: async () => {
    nextAuth.signOuts++;
  },
}));

const t = withTestDatabase();

beforeEach(() => {
  request.cookie = undefined;
  nextAuth.grants = [];
  nextAuth.signOuts = 0;
});

/** The cookie next-auth would set for these claims: its `encode`, salted with the cookie's name. */
async function cookieFor(claims: { accountId: string; sessionVersion: number; sessionId?: string }) {
  return encode({
    token: { sub: claims.accountId, sv: claims.sessionVersion, sid: claims.sessionId },
    secret: env.AUTH_SECRET,
    salt: SESSION_COOKIE,
  });
}

/** Both access checks for a cookie: the account it names and its access to the organization. */
async function access(cookie: string, slug: string) {
  request.cookie = cookie;
  return { account: (await getCurrentAccount())?.id ?? null, membership: (await getMembershipAccess(slug)).kind };
}

async function sessionRow(id: string) {
  const [row] = await t.db().select().from(sessions).where(eq(sessions.id, id));
  return row;
}

/** Signs in as the account the way the actions do, and returns the cookie that results. */
async function signIn(accountId: string, sessionVersion = 1) {
  await startSession(accountId, sessionVersion);
  const grant = verifySignInGrant(nextAuth.grants.at(-1));
  if (!grant) throw new Error("startSession handed next-auth no valid grant");
  return { grant, cookie: await cookieFor(grant) };
}

describe("signing in", () => {
  it("records a session row with its expiry, address and browser, and puts its id in the token", async () => {
    const { owner, org } = await createOrganizationWithOwner(t.db(), "Rows");
    const before = Date.now();
    const { grant, cookie } = await signIn(owner.id);
    expect(grant).toEqual({ accountId: owner.id, sessionVersion: 1, sessionId: expect.any(String) });
    const row = await sessionRow(grant.sessionId);
    expect(row).toMatchObject({
      accountId: owner.id,
      revokedAt: null,
      ip: "198.51.100.23",
      userAgent: "vitest session",
    });
    const lifetime = row!.expiresAt.getTime() - before;
    expect(lifetime).toBeGreaterThanOrEqual(SESSION_MAX_AGE_SECONDS * 1000 - 1000);
    expect(lifetime).toBeLessThanOrEqual(SESSION_MAX_AGE_SECONDS * 1000 + 5000);
    expect(await access(cookie, org.slug)).toEqual({ account: owner.id, membership: "ok" });
  });

  it("checks the session row inside the request's one access query", async () => {
    const { owner, org } = await createOrganizationWithOwner(t.db(), "One query");
    const { cookie } = await signIn(owner.id);
    request.cookie = cookie;
    const { result, queries } = await queryCounter.count(() => getMembershipAccess(org.slug));
    expect(result.kind).toBe("ok");
    expect(queries).toBe(1);
    expect((await queryCounter.count(() => getCurrentAccount())).queries).toBe(1);
  });
});

describe("signing out", () => {
  it("revokes the row, so the same cookie is refused at once although its decoding is cached", async () => {
    const { owner, org } = await createOrganizationWithOwner(t.db(), "Copied");
    const { grant, cookie } = await signIn(owner.id);
    const { cookie: otherBrowser } = await signIn(owner.id);
    expect(await access(cookie, org.slug)).toEqual({ account: owner.id, membership: "ok" });

    request.cookie = cookie;
    await endSession();
    expect(nextAuth.signOuts).toBe(1);
    expect((await sessionRow(grant.sessionId))?.revokedAt).toBeInstanceOf(Date);
    expect(await access(cookie, org.slug)).toEqual({ account: null, membership: "signed-out" });
    // Another browser of the same account is not signed out.
    expect(await access(otherBrowser, org.slug)).toEqual({ account: owner.id, membership: "ok" });
  });

  it("without a cookie only clears it", async () => {
    const { owner } = await createOrganizationWithOwner(t.db(), "No cookie");
    const { grant } = await signIn(owner.id);
    request.cookie = undefined;
    await endSession();
    expect(nextAuth.signOuts).toBe(1);
    expect((await sessionRow(grant.sessionId))?.revokedAt).toBeNull();
  });
});

describe("signing out everywhere", () => {
  it("revokes every session of the account, this one included, and no other account's; audited", async () => {
    const { owner, org } = await createOrganizationWithOwner(t.db(), "Everywhere");
    const other = await createOrganizationWithOwner(t.db(), "Bystander");
    const here = await signIn(owner.id);
    const elsewhere = await signIn(owner.id);
    const bystander = await signIn(other.owner.id);

    request.cookie = here.cookie;
    await endAllSessions();
    expect(nextAuth.signOuts).toBe(1);
    expect((await sessionRow(here.grant.sessionId))?.revokedAt).toBeInstanceOf(Date);
    expect((await sessionRow(elsewhere.grant.sessionId))?.revokedAt).toBeInstanceOf(Date);
    expect((await sessionRow(bystander.grant.sessionId))?.revokedAt).toBeNull();
    expect(await access(here.cookie, org.slug)).toEqual({ account: null, membership: "signed-out" });
    expect(await access(elsewhere.cookie, org.slug)).toEqual({ account: null, membership: "signed-out" });
    expect(await access(bystander.cookie, other.org.slug)).toEqual({ account: other.owner.id, membership: "ok" });

    const events = await t
      .db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "account.signed_out_everywhere"), eq(auditEvents.actorAccountId, owner.id)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ organizationId: org.id, targetId: owner.id, ip: "198.51.100.23" });
    expect(events[0]!.details).toEqual({ sessionsEnded: 2 });
  });

  it("with a revoked or missing session revokes nothing and records nothing, and still clears the cookie", async () => {
    const { owner } = await createOrganizationWithOwner(t.db(), "Stale");
    const stale = await signIn(owner.id);
    const live = await signIn(owner.id);
    request.cookie = stale.cookie;
    await endSession();
    await endAllSessions();
    request.cookie = undefined;
    await endAllSessions();
    expect(nextAuth.signOuts).toBe(3);
    expect((await sessionRow(live.grant.sessionId))?.revokedAt).toBeNull();
    const events = await t
      .db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "account.signed_out_everywhere"), eq(auditEvents.actorAccountId, owner.id)));
    expect(events).toEqual([]);
  });
});

describe("the session row a token names", () => {
  it("refuses a session past its expiry; a live session of the same account is accepted", async () => {
    const { owner, org } = await createOrganizationWithOwner(t.db(), "Expired");
    const expired = await createSession(t.db(), owner.id, { expiresAt: new Date(Date.now() - 1000) });
    const live = await createSession(t.db(), owner.id);
    expect(await access(await cookieFor(expired), org.slug)).toEqual({ account: null, membership: "signed-out" });
    expect(await access(await cookieFor(live), org.slug)).toEqual({ account: owner.id, membership: "ok" });
  });

  it("refuses a token whose session belongs to another account, and sign-out through it revokes nothing", async () => {
    const { owner, org } = await createOrganizationWithOwner(t.db(), "Borrowed");
    const stranger = await createAccount(t.db());
    const strangers = await createSession(t.db(), stranger.id);
    const forged = await cookieFor({ accountId: owner.id, sessionVersion: 1, sessionId: strangers.sessionId });
    expect(await access(forged, org.slug)).toEqual({ account: null, membership: "signed-out" });
    request.cookie = forged;
    await endSession();
    expect((await sessionRow(strangers.sessionId))?.revokedAt).toBeNull();
    expect(await access(await cookieFor(strangers), org.slug)).toEqual({
      account: stranger.id,
      membership: "not-member",
    });
  });

  it("refuses a token without a session id (issued before sessions had rows) and one naming no row", async () => {
    const { owner, org } = await createOrganizationWithOwner(t.db(), "Old token");
    expect(await access(await cookieFor({ accountId: owner.id, sessionVersion: 1 }), org.slug)).toEqual({
      account: null,
      membership: "signed-out",
    });
    const unknown = { accountId: owner.id, sessionVersion: 1, sessionId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11" };
    expect(await access(await cookieFor(unknown), org.slug)).toEqual({ account: null, membership: "signed-out" });
  });

  it("still ends a session whose account's session version moved on (password changed)", async () => {
    const { owner, org } = await createOrganizationWithOwner(t.db(), "Version");
    const before = await signIn(owner.id, 1);
    const after = await signIn(owner.id, 2);
    await t.db().update(accounts).set({ sessionVersion: 2 }).where(eq(accounts.id, owner.id));
    expect(await access(before.cookie, org.slug)).toEqual({ account: null, membership: "signed-out" });
    expect(await access(after.cookie, org.slug)).toEqual({ account: owner.id, membership: "ok" });
  });
});
