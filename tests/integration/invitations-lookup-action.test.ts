import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { lookupInviteeAction } from "@/app/o/[slug]/admin/users/invite/actions";
import { queryCounter } from "@/db/query-counter";
import { accounts, memberships, rateLimits } from "@/db/schema";
import type { AppLocale } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";
import { LOOKUP_LIMIT } from "@/lib/invitations/lookup";
import { peekRateLimit } from "@/lib/security/rate-limit";
import { withTestDatabase } from "../support/db";
import {
  addMember,
  countRows,
  createAccount,
  createOrganizationWithOwner,
  createSession,
  uniqueEmail,
} from "../support/factories";

// The lookup action runs for real (session → account → membership → permission → schema →
// domain); only what needs an HTTP request is stood in for: the session cookie, the request's
// headers and the translations.
const request = vi.hoisted(() => ({
  session: null as { accountId: string; sessionVersion: number; sessionId: string } | null,
}));
vi.mock("@/lib/auth/session-token", () => ({ readSessionToken: async () => request.session }));
vi.mock("@/lib/auth/request-meta", () => ({
  getRequestMeta: async () => ({ ip: "198.51.100.9", userAgent: "vitest" }),
}));
vi.mock("next-intl/server", async () => {
  const { createTranslator } = await import("next-intl");
  return { getTranslations: async () => createTranslator({ locale: "en", messages: loadMessages("en" as AppLocale) }) };
});

const t = withTestDatabase();

async function signInAs(accountId: string | null, sessionVersion = 1) {
  request.session = accountId ? await createSession(t.db(), accountId, { sessionVersion }) : null;
}

beforeEach(async () => {
  await signInAs(null);
});

const lookupKey = (organizationId: string, accountId: string) => `invite-lookup:${organizationId}:${accountId}`;

async function administrator() {
  const db = t.db();
  const { org } = await createOrganizationWithOwner(db, "Lookup");
  const account = await createAccount(db, { name: "Adam Admin" });
  const membership = await addMember(db, org.id, account.id, { role: "administrator" });
  return { db, org, account, membership };
}

describe("lookupInviteeAction", () => {
  it("answers an active administrator with two queries: the session's access, then the lookup", async () => {
    const { db, org, account } = await administrator();
    const existing = await createAccount(db, { name: "Ada Lovelace" });
    await signInAs(account.id);
    const { result, queries } = await queryCounter.count(() =>
      lookupInviteeAction(org.slug, { emails: `${existing.email}, ${account.email}` }),
    );
    expect(result).toEqual({
      ok: true,
      data: {
        organizationName: "Lookup",
        passwordPolicy: "ask",
        defaultLocale: "en",
        addresses: [
          { email: existing.email, outcome: "existing" },
          { email: account.email, outcome: "member" },
        ],
      },
    });
    expect(queries).toBe(2);
    // One per address looked up.
    expect((await peekRateLimit(db, lookupKey(org.id, account.id), LOOKUP_LIMIT)).hits).toBe(2);
  });

  it.each([
    ["signed out", async () => ({ accountId: null })],
    ["an ended session (older session version)", async () => ({ sessionVersion: 0 })],
    [
      "a temporary password",
      async (db: ReturnType<typeof t.db>, accountId: string) => {
        await db.update(accounts).set({ passwordIsTemporary: true }).where(eq(accounts.id, accountId));
      },
    ],
    [
      "an administrator demoted to user",
      async (db: ReturnType<typeof t.db>, _accountId: string, membershipId: string) => {
        await db.update(memberships).set({ role: "user" }).where(eq(memberships.id, membershipId));
      },
    ],
    [
      "an administrator removed from the organization",
      async (db: ReturnType<typeof t.db>, _accountId: string, membershipId: string) => {
        await db.delete(memberships).where(eq(memberships.id, membershipId));
      },
    ],
    [
      "a disabled administrator",
      async (db: ReturnType<typeof t.db>, _accountId: string, membershipId: string) => {
        await db.update(memberships).set({ status: "disabled" }).where(eq(memberships.id, membershipId));
      },
    ],
  ] as const)("refuses %s, answering nothing and counting nothing", async (_name, change) => {
    const { db, org, account, membership } = await administrator();
    const session = {
      accountId: account.id as string | null,
      sessionVersion: 1,
      ...((await change(db, account.id, membership.id)) ?? {}),
    };
    await signInAs(session.accountId, session.sessionVersion);
    const before = await countRows(db);
    const result = await lookupInviteeAction(org.slug, { emails: uniqueEmail() });
    expect(result).toMatchObject({ ok: false, code: "forbidden" });
    expect(result).not.toHaveProperty("data");
    expect(await countRows(db)).toEqual(before);
    expect(
      await db
        .select()
        .from(rateLimits)
        .where(eq(rateLimits.key, lookupKey(org.id, account.id))),
    ).toEqual([]);
  });

  it("refuses an administrator of another organization, and one whose access has expired", async () => {
    const { db, org, account, membership } = await administrator();
    const other = await createOrganizationWithOwner(db, "Elsewhere");
    await signInAs(other.owner.id);
    expect(await lookupInviteeAction(org.slug, { emails: uniqueEmail() })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect(await lookupInviteeAction("no-such-organization", { emails: uniqueEmail() })).toMatchObject({
      ok: false,
      code: "forbidden",
    });

    await db
      .update(memberships)
      .set({ accessExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(memberships.id, membership.id));
    await signInAs(account.id);
    expect(await lookupInviteeAction(org.slug, { emails: uniqueEmail() })).toMatchObject({
      ok: false,
      code: "accessExpired",
    });
    expect(
      await db
        .select()
        .from(rateLimits)
        .where(eq(rateLimits.key, lookupKey(org.id, account.id))),
    ).toEqual([]);
  });

  it("refuses an administrator over LOOKUP_LIMIT, with the minutes left", async () => {
    const { db, org, account } = await administrator();
    await signInAs(account.id);
    expect(await lookupInviteeAction(org.slug, { emails: uniqueEmail() })).toMatchObject({ ok: true });
    await db
      .update(rateLimits)
      .set({ hits: LOOKUP_LIMIT.limit })
      .where(eq(rateLimits.key, lookupKey(org.id, account.id)));
    const result = await lookupInviteeAction(org.slug, { emails: uniqueEmail() });
    expect(result).toMatchObject({ ok: false, code: "invite-wizard.lookupRateLimited" });
    expect(!result.ok && result.formError).toMatch(/10 minutes/);
  });
});
