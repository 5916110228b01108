import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, auditEvents, emailOutbox, invitations, rateLimits } from "@/db/schema";
import { authenticateWithPassword, SIGN_IN_LIMITS, signInRateLimitKeys } from "@/lib/auth/authenticate";
import { PASSWORD_RESET_LIMITS, requestPasswordReset } from "@/lib/auth/password-reset";
import { DomainError } from "@/lib/errors";
import { checkInvitationKey, INVITATION_ATTEMPT_LIMITS, verifyTemporaryPassword } from "@/lib/invitations/accept";
import { countAttempt, giveBackAttempt, type RateLimitRule } from "@/lib/security/rate-limit";
import { queryCounter } from "@/db/query-counter";
import { usingPostgres, withTestDatabase } from "../support/db";
import {
  addMember,
  countRows,
  createAccount,
  createOrganizationWithOwner,
  DEFAULT_PASSWORD,
  uniqueEmail,
} from "../support/factories";
import { createTestInvitation } from "../support/invitation-factories";

const t = withTestDatabase();
let ipCounter = 0;
/** Each call its own address, so that only the counter under test adds up. */
const freshMeta = () => {
  const n = ++ipCounter;
  return { ip: `198.18.${Math.floor(n / 250)}.${n % 250}`, userAgent: "vitest" };
};
const PARALLEL = 40;

/** How many settled calls were answered with each error code ("ok" for a success). */
function tally(results: PromiseSettledResult<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const code = r.status === "fulfilled" ? "ok" : r.reason instanceof DomainError ? r.reason.code : String(r.reason);
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

async function resetMailsTo(email: string): Promise<number> {
  const rows = await t
    .db()
    .select({ id: emailOutbox.id })
    .from(emailOutbox)
    .where(and(eq(emailOutbox.template, "password-reset"), eq(emailOutbox.toAddress, email)));
  return rows.length;
}

describe("the limiter", () => {
  const rule: RateLimitRule = { limit: 3, windowSeconds: 600 };

  it("counts before the work and refuses the attempt that exceeds the limit", async () => {
    const key = `test:${crypto.randomUUID()}`;
    const answers = [];
    for (let i = 0; i < rule.limit + 2; i++) answers.push(await countAttempt(t.db(), [[key, rule]]));
    expect(answers.map((a) => a.allowed)).toEqual([true, true, true, false, false]);
    expect(answers.map((a) => a.counted[0]?.hits)).toEqual([1, 2, 3, 4, 5]);
    expect(answers[3]?.refused).toMatchObject({ key, hits: 4, limited: true });
    expect(answers[3]?.refused?.retryAfterSeconds).toBeGreaterThan(590);
  });

  it("sets expires_at to the window's end, and restarts an ended window", async () => {
    const key = `test:${crypto.randomUUID()}`;
    await countAttempt(t.db(), [[key, rule]]);
    const [row] = await t.db().select().from(rateLimits).where(eq(rateLimits.key, key));
    expect(row!.expiresAt.getTime() - row!.windowStartedAt.getTime()).toBe(rule.windowSeconds * 1000);

    await t
      .db()
      .update(rateLimits)
      .set({
        hits: 99,
        windowStartedAt: sql`now() - interval '11 minutes'`,
        expiresAt: sql`now() - interval '1 minute'`,
      })
      .where(eq(rateLimits.key, key));
    const after = await countAttempt(t.db(), [[key, rule]]);
    expect(after).toMatchObject({ allowed: true, counted: [{ hits: 1 }] });
    const [restarted] = await t.db().select().from(rateLimits).where(eq(rateLimits.key, key));
    expect(restarted!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 590_000);
  });

  it("does not count the next keys once one refuses, and a give-back removes only its own count", async () => {
    const first = `test:${crypto.randomUUID()}`;
    const second = `test:${crypto.randomUUID()}`;
    const tight: RateLimitRule = { limit: 1, windowSeconds: 600 };
    const allowed = await countAttempt(t.db(), [
      [first, tight],
      [second, rule],
    ]);
    expect(allowed.counted.map((c) => c.hits)).toEqual([1, 1]);
    const refused = await countAttempt(t.db(), [
      [first, tight],
      [second, rule],
    ]);
    expect(refused).toMatchObject({ allowed: false, refused: { key: first } });
    expect(refused.counted).toHaveLength(1);

    await countAttempt(t.db(), [[second, rule]]);
    await giveBackAttempt(t.db(), allowed.counted);
    const rows = await t
      .db()
      .select()
      .from(rateLimits)
      .where(sql`${rateLimits.key} in (${first}, ${second})`);
    expect(Object.fromEntries(rows.map((r) => [r.key, r.hits]))).toEqual({ [first]: 1, [second]: 1 });
  });
});

describe("sign-in lock-out", () => {
  it("a stranger's failures lock the stranger's IP, not the owner's: the owner still signs in", async () => {
    const owner = await createAccount(t.db());
    const stranger = freshMeta();
    const home = freshMeta();
    for (let i = 0; i < SIGN_IN_LIMITS.perAddressAndIp.limit; i++) {
      expect(await codeOf(authenticateWithPassword({ email: owner.email, password: `guess-${i}` }, stranger))).toBe(
        "invalidCredentials",
      );
    }
    expect(await codeOf(authenticateWithPassword({ email: owner.email, password: DEFAULT_PASSWORD }, stranger))).toBe(
      "signInRateLimited",
    );
    await expect(
      authenticateWithPassword({ email: owner.email, password: DEFAULT_PASSWORD }, home),
    ).resolves.toMatchObject({ accountId: owner.id });
  });

  it("counts every address of one IPv6 /64 as one client: rotating addresses within it gains nothing", async () => {
    const owner = await createAccount(t.db());
    const network = `2001:db8:${(++ipCounter).toString(16)}:7`;
    for (let i = 0; i < SIGN_IN_LIMITS.perAddressAndIp.limit; i++) {
      const meta = { ip: `${network}::${(i + 1).toString(16)}`, userAgent: "vitest" };
      expect(await codeOf(authenticateWithPassword({ email: owner.email, password: `guess-${i}` }, meta))).toBe(
        "invalidCredentials",
      );
    }
    const sameNetwork = { ip: `${network}:ffff:ffff:ffff:fffe`, userAgent: "vitest" };
    expect(
      await codeOf(authenticateWithPassword({ email: owner.email, password: DEFAULT_PASSWORD }, sameNetwork)),
    ).toBe("signInRateLimited");
    // The next /64 is another client: the owner signs in from it.
    const nextNetwork = { ip: `2001:db8:${ipCounter.toString(16)}:8::1`, userAgent: "vitest" };
    await expect(
      authenticateWithPassword({ email: owner.email, password: DEFAULT_PASSWORD }, nextNetwork),
    ).resolves.toMatchObject({ accountId: owner.id });
  });

  it("an address-wide ceiling holds against failures from many networks; one short of it, the right password signs in", async () => {
    const owner = await createAccount(t.db());
    const { limit: perPair } = SIGN_IN_LIMITS.perAddressAndIp;
    const { limit: ceiling } = SIGN_IN_LIMITS.perAddress;
    // Strangers from many addresses, each staying under its own (address, IP) limit.
    for (let i = 0; i < ceiling; i++) {
      const stranger = { ip: `198.19.${Math.floor(i / perPair)}.${(ipCounter % 200) + 1}`, userAgent: "vitest" };
      expect(await codeOf(authenticateWithPassword({ email: owner.email, password: `spray-${i}` }, stranger))).toBe(
        "invalidCredentials",
      );
    }
    expect(
      await codeOf(authenticateWithPassword({ email: owner.email, password: DEFAULT_PASSWORD }, freshMeta())),
    ).toBe("signInRateLimited");
    // Positive control: one failure short of the ceiling, the right password from anywhere signs in.
    const other = await createAccount(t.db());
    for (let i = 0; i < ceiling - 1; i++) {
      const stranger = { ip: `198.19.${100 + Math.floor(i / perPair)}.${(ipCounter % 200) + 1}`, userAgent: "vitest" };
      await authenticateWithPassword({ email: other.email, password: `spray-${i}` }, stranger).catch(() => {});
    }
    await expect(
      authenticateWithPassword({ email: other.email, password: DEFAULT_PASSWORD }, freshMeta()),
    ).resolves.toMatchObject({ accountId: other.id });
  });

  it("the failure that starts a lock is audited once in each organization of the account, without the secret", async () => {
    const db = t.db();
    const a = await createOrganizationWithOwner(db, "Initech");
    const b = await createOrganizationWithOwner(db, "Hooli");
    const account = await createAccount(db);
    await addMember(db, a.org.id, account.id);
    await addMember(db, b.org.id, account.id);
    const meta = freshMeta();
    const guesses = Array.from({ length: SIGN_IN_LIMITS.perAddressAndIp.limit + 2 }, (_, i) => `hunter-${i}`);
    for (const password of guesses)
      await authenticateWithPassword({ email: account.email, password }, meta).catch(() => {});

    const locked = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "account.sign_in_locked"), eq(auditEvents.targetId, account.id)));
    expect(locked.map((e) => e.organizationId).sort()).toEqual([a.org.id, b.org.id].sort());
    expect(locked[0]).toMatchObject({ actorAccountId: null, ip: meta.ip, targetLabel: account.email });
    expect(locked[0]?.details).toMatchObject({ scope: "addressAndIp", failures: SIGN_IN_LIMITS.perAddressAndIp.limit });
    expect(JSON.stringify(locked)).not.toMatch(/hunter-/);
  });

  it("a success gives its count back: the owner's own mistakes do not pile up across sign-ins", async () => {
    const account = await createAccount(t.db());
    const meta = freshMeta();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < SIGN_IN_LIMITS.perAddressAndIp.limit - 1; i++)
        await authenticateWithPassword({ email: account.email, password: "typo" }, meta).catch(() => {});
      await expect(
        authenticateWithPassword({ email: account.email, password: DEFAULT_PASSWORD }, meta),
      ).resolves.toMatchObject({ accountId: account.id });
    }
    const [pair] = await t
      .db()
      .select()
      .from(rateLimits)
      .where(eq(rateLimits.key, signInRateLimitKeys.addressAndIp(account.email, meta.ip)));
    expect(pair).toBeUndefined();
  });
});

describe("a temporary password belongs to the invitation that issued it", () => {
  async function invitedTwice() {
    const db = t.db();
    const { org, owner } = await createOrganizationWithOwner(db, "Vandelay");
    const first = await createTestInvitation(db, { organizationId: org.id, inviterAccountId: owner.id, kind: "new" });
    const other = await createOrganizationWithOwner(db, "Kramerica");
    const second = await createTestInvitation(db, {
      organizationId: other.org.id,
      inviterAccountId: other.owner.id,
      account: first.account,
      kind: "existing",
    });
    return { first, second };
  }

  it("signs in only while the issuing invitation is pending, whatever other invitation is", async () => {
    const db = t.db();
    const { first } = await invitedTwice();
    const signIn = () =>
      authenticateWithPassword({ email: first.account.email, password: first.temporaryPassword! }, freshMeta());
    await expect(signIn()).resolves.toMatchObject({ passwordIsTemporary: true });
    const [after] = await db.select().from(accounts).where(eq(accounts.id, first.account.id));
    expect(after).toMatchObject({
      createdByInvitationId: first.invitation.id,
      temporaryPasswordInvitationId: first.invitation.id,
    });
    expect(after?.lastSignInAt).toBeInstanceOf(Date);

    await db.update(invitations).set({ status: "revoked" }).where(eq(invitations.id, first.invitation.id));
    expect(await codeOf(signIn())).toBe("invalidCredentials");
  });

  it("at acceptance, only for the invitation that issued it", async () => {
    const { first, second } = await invitedTwice();
    expect(
      await codeOf(
        verifyTemporaryPassword(
          { invitationId: second.invitation.id, key: second.key, temporaryPassword: first.temporaryPassword! },
          freshMeta(),
        ),
      ),
    ).toBe("invite.wrongTemporaryPassword");
    await expect(
      verifyTemporaryPassword(
        { invitationId: first.invitation.id, key: first.key, temporaryPassword: first.temporaryPassword! },
        freshMeta(),
      ),
    ).resolves.toEqual({ ok: true });
  });
});

describe("an invitation's attempts", () => {
  it("count as one whatever the case its id is written in", async () => {
    const db = t.db();
    const { org, owner } = await createOrganizationWithOwner(db, "Globex");
    const { invitation, key } = await createTestInvitation(db, {
      organizationId: org.id,
      inviterAccountId: owner.id,
      kind: "new",
    });
    const spellings = [
      invitation.id.toUpperCase(),
      invitation.id,
      invitation.id.replace(/[a-f]/, (c) => c.toUpperCase()),
    ];
    // Positive control: the upper-case spelling reaches the invitation (a wrong key, not an unknown id).
    for (let i = 0; i < INVITATION_ATTEMPT_LIMITS.perInvitation.limit; i++) {
      const invitationId = spellings[i % spellings.length]!;
      expect(await codeOf(checkInvitationKey({ invitationId, key: `${key.slice(1)}${i}` }, freshMeta()))).toBe(
        "invite.wrongKey",
      );
    }
    for (const invitationId of spellings)
      expect(await codeOf(checkInvitationKey({ invitationId, key }, freshMeta()))).toBe("invite.tooManyAttempts");
  });
});

describe("password reset requests", () => {
  it("answer the same for a known and an unknown address; only the known one queues a mail", async () => {
    const db = t.db();
    const known = await createAccount(db);
    const unknown = uniqueEmail("nobody");
    const before = await countRows(db);
    const answers = await Promise.all([
      requestPasswordReset({ email: known.email }, freshMeta(), "en"),
      requestPasswordReset({ email: unknown }, freshMeta(), "en"),
    ]);
    expect(answers).toEqual([undefined, undefined]);
    expect(await resetMailsTo(known.email)).toBe(1);
    expect(await resetMailsTo(unknown)).toBe(0);
    const after = await countRows(db);
    expect(after.password_resets).toBe(before.password_resets! + 1);
  });

  it("do the same database work for a known and an unknown address: the same statements, one commit", async () => {
    const known = await createAccount(t.db());
    const forKnown = await queryCounter.count(() => requestPasswordReset({ email: known.email }, freshMeta(), "en"));
    const forUnknown = await queryCounter.count(() =>
      requestPasswordReset({ email: uniqueEmail("nobody") }, freshMeta(), "en"),
    );
    expect(forKnown.queries).toBeGreaterThan(1);
    expect(forUnknown.queries).toBe(forKnown.queries);
    // Control: the counter tells a different path apart (a request refused by a limit stops sooner).
    const meta = freshMeta();
    for (let i = 0; i < PASSWORD_RESET_LIMITS.requestsPerAddressAndIp.limit; i++)
      await requestPasswordReset({ email: known.email }, meta, "en");
    const refused = await queryCounter.count(() => requestPasswordReset({ email: known.email }, meta, "en"));
    expect(refused.queries).toBeLessThan(forKnown.queries);
  });
});

describe.runIf(usingPostgres)(`${PARALLEL} attempts at once (PostgreSQL)`, () => {
  it("wrong sign-ins for one address: no more than the limit are checked, and the right password waits", async () => {
    const account = await createAccount(t.db());
    const meta = freshMeta();
    const results = await Promise.allSettled(
      Array.from({ length: PARALLEL }, (_, i) =>
        authenticateWithPassword({ email: account.email, password: i === 30 ? DEFAULT_PASSWORD : `wrong-${i}` }, meta),
      ),
    );
    const counts = tally(results);
    const checked = (counts.invalidCredentials ?? 0) + (counts.ok ?? 0);
    expect(checked).toBeLessThanOrEqual(SIGN_IN_LIMITS.perAddressAndIp.limit);
    expect(counts.signInRateLimited).toBe(PARALLEL - checked);
    expect(await codeOf(authenticateWithPassword({ email: account.email, password: DEFAULT_PASSWORD }, meta))).toBe(
      "signInRateLimited",
    );
  });

  it("sign-ins for 40 addresses from one IP: no more than the per-IP limit are checked", async () => {
    const meta = freshMeta();
    const results = await Promise.allSettled(
      Array.from({ length: PARALLEL }, () =>
        authenticateWithPassword({ email: uniqueEmail("spray"), password: "wrong" }, meta),
      ),
    );
    const counts = tally(results);
    expect(counts.invalidCredentials ?? 0).toBeLessThanOrEqual(SIGN_IN_LIMITS.perIp.limit);
    expect((counts.invalidCredentials ?? 0) + (counts.signInRateLimited ?? 0)).toBe(PARALLEL);
  });

  it("wrong temporary passwords and wrong keys for one invitation: no more than the limit are checked", async () => {
    const db = t.db();
    const { org, owner } = await createOrganizationWithOwner(db, "Massive Dynamic");
    const { invitation, key } = await createTestInvitation(db, {
      organizationId: org.id,
      inviterAccountId: owner.id,
      kind: "new",
    });
    const { limit } = INVITATION_ATTEMPT_LIMITS.perInvitation;
    const passwords = tally(
      await Promise.allSettled(
        Array.from({ length: PARALLEL }, (_, i) =>
          verifyTemporaryPassword({ invitationId: invitation.id, key, temporaryPassword: `nope-${i}` }, freshMeta()),
        ),
      ),
    );
    expect(passwords["invite.wrongTemporaryPassword"] ?? 0).toBeLessThanOrEqual(limit);
    expect(passwords["invite.tooManyAttempts"]).toBe(PARALLEL - (passwords["invite.wrongTemporaryPassword"] ?? 0));

    const other = await createTestInvitation(db, { organizationId: org.id, inviterAccountId: owner.id, kind: "new" });
    const keys = tally(
      await Promise.allSettled(
        Array.from({ length: PARALLEL }, (_, i) =>
          checkInvitationKey({ invitationId: other.invitation.id, key: `${other.key.slice(1)}${i}` }, freshMeta()),
        ),
      ),
    );
    expect(keys["invite.wrongKey"] ?? 0).toBeLessThanOrEqual(limit);
    expect(keys["invite.tooManyAttempts"]).toBe(PARALLEL - (keys["invite.wrongKey"] ?? 0));
  });

  it("reset requests for one address: no more mails than the limit, from one IP or from many", async () => {
    const db = t.db();
    const fromOneIp = await createAccount(db);
    const meta = freshMeta();
    await Promise.all(
      Array.from({ length: PARALLEL }, () => requestPasswordReset({ email: fromOneIp.email }, meta, "en")),
    );
    expect(await resetMailsTo(fromOneIp.email)).toBe(PASSWORD_RESET_LIMITS.requestsPerAddressAndIp.limit);

    const fromMany = await createAccount(db);
    await Promise.all(
      Array.from({ length: PARALLEL }, () => requestPasswordReset({ email: fromMany.email }, freshMeta(), "en")),
    );
    expect(await resetMailsTo(fromMany.email)).toBe(PASSWORD_RESET_LIMITS.requestsPerAddress.limit);
  });

  it("counts and give-backs of the same keys at once never deadlock, whatever order the rows lie in", async () => {
    const db = t.db();
    const wide: RateLimitRule = { limit: 1_000, windowSeconds: 600 };
    const keys = ["first", "second", "third"].map((k) => `test:${k}:${crypto.randomUUID()}`);
    // Created last to first, so that the table holds the rows in the opposite order to the one
    // they are counted in (as it does once old rows are pruned and their space reused).
    for (const key of [...keys].reverse()) await countAttempt(db, [[key, wide]]);
    const failures: unknown[] = [];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        try {
          const attempt = await countAttempt(
            db,
            keys.map((key) => [key, wide] as const),
          );
          await giveBackAttempt(db, attempt.counted);
        } catch (error) {
          failures.push(error);
        }
      }),
    );
    expect(failures).toEqual([]);
    // Every count was given back: each counter is where its creation left it.
    const rows = await db
      .select()
      .from(rateLimits)
      .where(sql`${rateLimits.key} in (${sql.join(keys, sql`, `)})`);
    expect(rows.map((r) => r.hits)).toEqual([1, 1, 1]);
  });
});
