import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetTwoStepAction } from "@/app/o/[slug]/admin/users/actions";
import { queryCounter } from "@/db/query-counter";
import { rowsOf } from "@/db/rows";
import { accounts, auditEvents, emailOutbox, organizationSettings, sessions } from "@/db/schema";
import { getMembershipAccess } from "@/lib/auth/current";
import type { AppLocale } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";
import { listMembers } from "@/lib/members/list";
import { confirmTotpEnrollment, hasTwoStep, startTotpEnrollment } from "@/lib/two-step";
import { totpCodeAt, totpStepAt } from "@/lib/two-step/totp";
import { membersQuerySchema, type MembersQuery } from "@/lib/validations/members";
import { withTestDatabase } from "../support/db";
import { actorFor, addMember, createAccount, createOrganizationWithOwner, createSession } from "../support/factories";

// The Users page's Reset two-step verification runs through the organization action wrapper for
// real; only the session cookie, the request's headers, the locale and the page cache are stood in for.
const request = vi.hoisted(() => ({
  session: null as { accountId: string; sessionVersion: number; sessionId: string } | null,
  revalidated: [] as string[],
}));
vi.mock("@/lib/auth/session-token", () => ({ readSessionToken: async () => request.session }));
vi.mock("@/lib/auth/request-meta", () => ({
  getRequestMeta: async () => ({ ip: "198.51.100.90", userAgent: "vitest reset action" }),
}));
vi.mock("next-intl/server", async () => {
  const { createTranslator } = await import("next-intl");
  return { getTranslations: async () => createTranslator({ locale: "en", messages: loadMessages("en" as AppLocale) }) };
});
vi.mock("next/cache", () => ({ revalidatePath: (path: string) => void request.revalidated.push(path) }));

const t = withTestDatabase();
const meta = { ip: "198.51.100.90", userAgent: "vitest reset action" };
const query = (q: Partial<MembersQuery> = {}): MembersQuery => membersQuerySchema.parse(q);

beforeEach(() => {
  request.session = null;
  request.revalidated = [];
});

async function signInAs(accountId: string) {
  request.session = await createSession(t.db(), accountId);
}

async function requireTwoStep(organizationId: string) {
  await t
    .db()
    .update(organizationSettings)
    .set({ twoStepRequirement: "required" })
    .where(eq(organizationSettings.organizationId, organizationId));
}

async function twoStepAccount(accountId: string) {
  const [row] = await t.db().select().from(accounts).where(eq(accounts.id, accountId));
  return { id: row!.id, email: row!.email, name: row!.name, locale: row!.locale };
}

/** An authenticator app confirmed with a code computed as the app would (recovery codes come with it). */
async function enroll(accountId: string) {
  const account = await twoStepAccount(accountId);
  const started = await startTotpEnrollment(account, "Phone");
  const secret = decodeBase32IgnorePadding(started.secret.replace(/ /g, ""));
  await confirmTotpEnrollment(account, { factorId: started.factorId, code: totpCodeAt(secret, totpStepAt()) }, meta);
}

/** An authenticator app started and never confirmed: not a factor, but a row a reset would delete. */
async function startOnly(accountId: string) {
  await startTotpEnrollment(await twoStepAccount(accountId), "Unfinished");
}

async function member(orgId: string, role: "administrator" | "user", name: string) {
  const account = await createAccount(t.db(), { name });
  const membership = await addMember(t.db(), orgId, account.id, { role });
  return { account, membership };
}

/** Everything a reset writes: factors, recovery codes, ended sessions, audit events, emails. */
async function writes() {
  const result = await t.db().execute(sql`
    select
      (select count(*)::int from two_step_factors) as factors,
      (select count(*)::int from recovery_codes) as recovery_codes,
      (select count(*)::int from sessions where revoked_at is not null) as ended_sessions,
      (select count(*)::int from audit_events) as audit_events,
      (select count(*)::int from email_outbox) as emails`);
  return rowsOf<Record<string, number>>(result)[0];
}

describe("the Users page's Two-step column and filter", () => {
  it("shows Set up for a confirmed factor only, filters on it in the URL's terms, in one query", async () => {
    const { org, owner, actor } = await createOrganizationWithOwner(t.db(), "Column");
    const admin = await member(org.id, "administrator", "Ada Admin");
    const unfinished = await member(org.id, "administrator", "Uma Unfinished");
    const user = await member(org.id, "user", "Ulysses User");
    await enroll(owner.id);
    await enroll(user.account.id);
    await startOnly(unfinished.account.id);

    const all = await queryCounter.count(() => listMembers(actor, query()));
    expect(all.queries).toBe(1);
    expect(Object.fromEntries(all.result.rows.map((r) => [r.name, r.twoStep]))).toEqual({
      "Olivia Owner": true,
      "Ada Admin": false,
      "Uma Unfinished": false,
      "Ulysses User": true,
    });

    const set = await queryCounter.count(() => listMembers(actor, query({ twoStep: "set" })));
    expect(set.queries).toBe(1);
    expect(set.result.rows.map((r) => r.name)).toEqual(["Olivia Owner", "Ulysses User"]);
    expect(set.result.total).toBe(2);

    const unset = await queryCounter.count(() =>
      listMembers(actor, membersQuerySchema.parse({ twoStep: "unset", role: "administrator" })),
    );
    expect(unset.queries).toBe(1);
    expect(unset.result.rows.map((r) => r.name)).toEqual(["Ada Admin", "Uma Unfinished"]);
    expect(unset.result.total).toBe(2);
    expect(admin.membership.id).toBe(unset.result.rows[0]!.membershipId);

    // A value nobody offers is no filter at all, like the others.
    expect(membersQuerySchema.parse({ twoStep: "maybe" }).twoStep).toBeUndefined();
  });
});

describe("Reset two-step verification (resetTwoStepAction)", () => {
  it("an administrator resets another's: factors, codes and sessions gone, audited, emailed, held again at the next sign-in", async () => {
    const { org, owner } = await createOrganizationWithOwner(t.db(), "Reset");
    await requireTwoStep(org.id);
    const caller = await member(org.id, "administrator", "Carla Caller");
    const target = await member(org.id, "administrator", "Tariq Target");
    await enroll(owner.id);
    await enroll(caller.account.id);
    await enroll(target.account.id);
    const targetSession = await createSession(t.db(), target.account.id);
    await signInAs(caller.account.id);

    const result = await resetTwoStepAction(org.slug, { membershipId: target.membership.id });
    expect(result).toEqual({ ok: true, data: { factorsRemoved: 1 } });
    expect(request.revalidated).toEqual([`/o/${org.slug}/admin/users`]);
    expect(await hasTwoStep(target.account.id)).toBe(false);
    expect(await hasTwoStep(caller.account.id)).toBe(true);
    const [ended] = await t.db().select().from(sessions).where(eq(sessions.id, targetSession.sessionId));
    expect(ended?.revokedAt).toBeInstanceOf(Date);

    const events = await t
      .db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "account.two_step_reset"), eq(auditEvents.organizationId, org.id)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorAccountId: caller.account.id,
      targetType: "account",
      targetId: target.account.id,
      ip: meta.ip,
      details: { factorsRemoved: 1 },
    });
    const notices = await t
      .db()
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.toAddress, target.account.email), eq(emailOutbox.template, "two-step-changed")));
    expect(notices.map((n) => n.payload)).toContainEqual(
      expect.objectContaining({ change: "factors-reset", actorName: "Carla Caller" }),
    );

    const listed = await listMembers(await actorFor(t.db(), caller.membership.id), query({ twoStep: "unset" }));
    expect(listed.rows.map((r) => r.name)).toEqual(["Tariq Target"]);

    // The member signs in again with their password: held on the enrollment page, as before any factor.
    await signInAs(target.account.id);
    expect(await getMembershipAccess(org.slug)).toEqual({ kind: "two-step-required", organizationSlug: org.slug });
  });

  it("refuses every caller the rules exclude, writing nothing; the permitted ones then succeed", async () => {
    const { org, owner, membership: ownerMembership } = await createOrganizationWithOwner(t.db(), "Refusals");
    const admin = await member(org.id, "administrator", "Ada Admin");
    const bare = await member(org.id, "administrator", "Bea Bare");
    const user = await member(org.id, "user", "Ulysses User");
    const other = await createOrganizationWithOwner(t.db(), "Elsewhere");
    await enroll(owner.id);
    await enroll(admin.account.id);
    await enroll(user.account.id);
    await enroll(other.owner.id);
    // The bare administrator holds no factor, only an unfinished one and a session a reset would end.
    await startOnly(bare.account.id);
    await createSession(t.db(), bare.account.id);
    await createSession(t.db(), owner.id);

    const attempts: { who: string; as: string | null; slug: string; membershipId: string; code: string }[] = [
      { who: "signed out", as: null, slug: org.slug, membershipId: admin.membership.id, code: "forbidden" },
      {
        who: "a user member",
        as: user.account.id,
        slug: org.slug,
        membershipId: admin.membership.id,
        code: "forbidden",
      },
      {
        who: "an administrator, on the owner",
        as: admin.account.id,
        slug: org.slug,
        membershipId: ownerMembership.id,
        code: "forbidden",
      },
      {
        who: "an administrator without a factor, on itself",
        as: bare.account.id,
        slug: org.slug,
        membershipId: bare.membership.id,
        code: "two-step.ownResetNeedsFactor",
      },
      {
        who: "the owner of another organization, through its own",
        as: other.owner.id,
        slug: other.org.slug,
        membershipId: admin.membership.id,
        code: "notFound",
      },
      {
        who: "the owner of another organization, through this one",
        as: other.owner.id,
        slug: org.slug,
        membershipId: admin.membership.id,
        code: "forbidden",
      },
    ];
    const before = await writes();
    for (const attempt of attempts) {
      request.session = null;
      if (attempt.as) await signInAs(attempt.as);
      const result = await resetTwoStepAction(attempt.slug, { membershipId: attempt.membershipId });
      expect({ who: attempt.who, result }).toMatchObject({
        who: attempt.who,
        result: { ok: false, code: attempt.code },
      });
    }
    // signInAs creates sessions but ends none: the snapshot still compares what a reset writes.
    expect(await writes()).toEqual(before);
    expect(request.revalidated).toEqual([]);
    expect(await hasTwoStep(admin.account.id)).toBe(true);
    expect(await hasTwoStep(owner.id)).toBe(true);

    // Held: in an organization that requires two-step verification, the bare administrator cannot
    // act at all, not even on another member.
    await requireTwoStep(org.id);
    await signInAs(bare.account.id);
    expect(await resetTwoStepAction(org.slug, { membershipId: admin.membership.id })).toMatchObject({
      ok: false,
      code: "two-step.requiredForAdministrators",
    });
    expect(await writes()).toEqual(before);

    // Positive controls: the administrator resets the user, the owner resets the owner's own.
    await signInAs(admin.account.id);
    expect(await resetTwoStepAction(org.slug, { membershipId: user.membership.id })).toEqual({
      ok: true,
      data: { factorsRemoved: 1 },
    });
    await signInAs(owner.id);
    expect(await resetTwoStepAction(org.slug, { membershipId: ownerMembership.id })).toEqual({
      ok: true,
      data: { factorsRemoved: 1 },
    });
    expect(await hasTwoStep(user.account.id)).toBe(false);
    expect(await hasTwoStep(owner.id)).toBe(false);
    const resets = await t
      .db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "account.two_step_reset"), eq(auditEvents.organizationId, org.id)));
    expect(resets.map((e) => e.targetId).sort()).toEqual([owner.id, user.account.id].sort());
    // The owner's own reset ended the owner's sessions too, the one acting included.
    const ownerEnded = await t
      .db()
      .select()
      .from(sessions)
      .where(and(eq(sessions.accountId, owner.id), isNotNull(sessions.revokedAt)));
    expect(ownerEnded.length).toBeGreaterThanOrEqual(2);
  });

  it("answers a malformed membership id with a field error, writing nothing", async () => {
    const { org, owner } = await createOrganizationWithOwner(t.db(), "Malformed");
    await enroll(owner.id);
    await signInAs(owner.id);
    const before = await writes();
    expect(await resetTwoStepAction(org.slug, { membershipId: "not-a-uuid" })).toMatchObject({
      ok: false,
      code: "validation",
      fieldErrors: { membershipId: expect.any(Array) },
    });
    expect(await writes()).toEqual(before);
  });
});
