import { randomBytes, randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openPostgres } from "@/db/client";
import {
  auditEvents,
  idempotencyRecords,
  invitations,
  organizationSlugRedirects,
  rateLimits,
  spentChallenges,
  spentPasswordSheets,
} from "@/db/schema";
import type { EmailTransport } from "@/lib/email/transport";
import { createOutboxWorker, type OutboxWorkerOptions } from "@/lib/email/worker";
import { viewInvitation } from "@/lib/invitations/accept";
import { listMembers } from "@/lib/members/list";
import { logger } from "@/lib/logger";
import { IDEMPOTENCY_RETENTION_SECONDS } from "@/lib/retention";
import { membersQuerySchema } from "@/lib/validations/members";
import { usingPostgres, withTestDatabase } from "../support/db";
import { createOrganization, createOrganizationWithOwner } from "../support/factories";
import { createTestInvitation } from "../support/invitation-factories";

const t = withTestDatabase();

const MINUTE = 60_000;
const PRUNE_INTERVAL_MS = 60_000;
// The worker's clock paces the pruning; the rows' ages are the database's, as in production.
let clock: Date;
const now = () => clock;
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

// Nothing is queued here: a send would be a fault of the test itself.
const transport: EmailTransport = {
  name: "mailbox",
  send: () => Promise.reject(new Error("nothing is queued in these tests")),
};

function worker(overrides: Partial<OutboxWorkerOptions> = {}) {
  return createOutboxWorker({ transport, now, pruneIntervalMs: PRUNE_INTERVAL_MS, ...overrides });
}

beforeEach(async () => {
  const db = t.db();
  await db.delete(rateLimits);
  await db.delete(idempotencyRecords);
  await db.delete(spentPasswordSheets);
  await db.delete(spentChallenges);
  clock = new Date();
});
afterEach(() => {
  vi.restoreAllMocks();
});

type Seeded = { rateLimit: string; record: string; sheet: string; challenge: string };

/** An expired and a live row in each pruned table, each a few minutes from its limit. */
async function seed(label: string): Promise<{ expired: Seeded; live: Seeded }> {
  const db = t.db();
  const at = Date.now();
  const ago = (ms: number) => new Date(at - ms);
  const expired = {
    rateLimit: `sign-in:gone-${label}@example.com`,
    record: randomUUID(),
    sheet: randomUUID(),
    challenge: randomUUID(),
  };
  const live = {
    rateLimit: `sign-in:kept-${label}@example.com`,
    record: randomUUID(),
    sheet: randomUUID(),
    challenge: randomUUID(),
  };
  await db.insert(rateLimits).values([
    { key: expired.rateLimit, windowStartedAt: ago(20 * MINUTE), hits: 5, expiresAt: ago(5 * MINUTE) },
    { key: live.rateLimit, windowStartedAt: ago(5 * MINUTE), hits: 5, expiresAt: ago(-10 * MINUTE) },
  ]);
  const retention = IDEMPOTENCY_RETENTION_SECONDS * 1000;
  const scope = `send-invite:${randomUUID()}:${randomUUID()}:${label}@example.com`;
  await db.insert(idempotencyRecords).values([
    { scope, key: expired.record, requestHash: "h", response: null, createdAt: ago(retention + 5 * MINUTE) },
    { scope, key: live.record, requestHash: "h", response: null, createdAt: ago(retention - 5 * MINUTE) },
  ]);
  await db.insert(spentPasswordSheets).values([
    { nonce: expired.sheet, expiresAt: ago(MINUTE) },
    { nonce: live.sheet, expiresAt: ago(-9 * MINUTE) },
  ]);
  await db.insert(spentChallenges).values([
    { challengeHash: expired.challenge, expiresAt: ago(MINUTE) },
    { challengeHash: live.challenge, expiresAt: ago(-4 * MINUTE) },
  ]);
  return { expired, live };
}

async function remaining(): Promise<{
  rateLimits: string[];
  records: string[];
  sheets: string[];
  challenges: string[];
}> {
  const db = t.db();
  return {
    rateLimits: (await db.select({ key: rateLimits.key }).from(rateLimits)).map((r) => r.key).sort(),
    records: (await db.select({ key: idempotencyRecords.key }).from(idempotencyRecords)).map((r) => r.key).sort(),
    sheets: (await db.select({ nonce: spentPasswordSheets.nonce }).from(spentPasswordSheets))
      .map((r) => r.nonce)
      .sort(),
    challenges: (await db.select({ hash: spentChallenges.challengeHash }).from(spentChallenges))
      .map((r) => r.hash)
      .sort(),
  };
}

const only = (...rows: Seeded[]) => ({
  rateLimits: rows.map((r) => r.rateLimit).sort(),
  records: rows.map((r) => r.record).sort(),
  sheets: rows.map((r) => r.sheet).sort(),
  challenges: rows.map((r) => r.challenge).sort(),
});

describe("retention of bookkeeping rows", () => {
  it("removes rate-limit counters, replay records, spent password sheets and passkey challenges past their time in one tick, and keeps the live ones", async () => {
    const { expired, live } = await seed("one");
    expect(await remaining()).toEqual(only(expired, live));
    await worker().tick();
    expect(await remaining()).toEqual(only(live));
  });

  it("prunes at most once per interval, however often the loop turns", async () => {
    const w = worker();
    const first = await seed("first");
    await w.tick();
    expect(await remaining()).toEqual(only(first.live));

    const second = await seed("second");
    await w.tick();
    advance(PRUNE_INTERVAL_MS - 1_000);
    await w.tick();
    expect(await remaining()).toEqual(only(first.live, second.expired, second.live));

    advance(1_000);
    await w.tick();
    expect(await remaining()).toEqual(only(first.live, second.live));
  });

  it("deletes a bounded slice per table and interval, and the rest of a backlog at the next ones", async () => {
    const w = worker({ pruneBatchSize: 2 });
    const { live } = await seed("kept");
    const expiresAt = new Date(Date.now() - MINUTE);
    const backlog = Array.from({ length: 5 }, (_, i) => `lookup:backlog-${i}`);
    await t
      .db()
      .insert(rateLimits)
      .values(backlog.map((key) => ({ key, windowStartedAt: expiresAt, hits: 1, expiresAt })));
    const left = async () => (await remaining()).rateLimits.filter((key) => key !== live.rateLimit).length;

    // The seeded expired counter makes six: 6 → 4 → 2 → 0.
    for (const expected of [4, 2, 0]) {
      await w.tick();
      expect(await left()).toBe(expected);
      advance(PRUNE_INTERVAL_MS);
    }
    expect(await remaining()).toEqual(only(live));
  });

  it("logs a failed pruning once, finishes the tick, and prunes again at the next interval", async () => {
    const db = t.db();
    const errors = vi.spyOn(logger, "error");
    const w = worker();
    const { expired, live } = await seed("failing");
    await db.execute(sql`alter table spent_password_sheets rename to spent_password_sheets_away`);
    try {
      await expect(w.tick()).resolves.toBe(0);
      await w.tick();
    } finally {
      await db.execute(sql`alter table spent_password_sheets_away rename to spent_password_sheets`);
    }
    expect(errors.mock.calls.map(([message]) => message)).toEqual(["pruning expired rows failed"]);
    expect((await remaining()).sheets).toEqual([expired.sheet, live.sheet].sort());

    advance(PRUNE_INTERVAL_MS);
    await w.tick();
    expect(await remaining()).toEqual(only(live));
  });

  it("runs in the worker's background loop", async () => {
    const { live } = await seed("loop");
    const w = worker({ now: () => new Date() });
    w.start(600_000);
    try {
      await expect.poll(remaining, { timeout: 15_000 }).toEqual(only(live));
    } finally {
      await w.stop();
    }
  });
});

describe("lapsed invitations", () => {
  const meta = () => ({ ip: `203.0.113.${1 + (randomBytes(1)[0]! % 250)}`, userAgent: "vitest" });

  async function lapsedAndLive(name: string, lapsedCount = 1) {
    const db = t.db();
    const { org, owner, actor } = await createOrganizationWithOwner(db, name);
    const invite = (expiresAt: Date, status?: "revoked") =>
      createTestInvitation(db, { organizationId: org.id, inviterAccountId: owner.id, expiresAt, status });
    const past = new Date(Date.now() - MINUTE);
    const lapsed = [];
    for (let i = 0; i < lapsedCount; i++) lapsed.push(await invite(past));
    const live = await invite(new Date(Date.now() + 10 * MINUTE));
    const cancelled = await invite(past, "revoked");
    return { org, actor, lapsed, live, cancelled };
  }

  const statusOf = async (ids: string[]) =>
    new Map((await t.db().select().from(invitations).where(inArray(invitations.id, ids))).map((i) => [i.id, i.status]));
  const expiredEvents = (organizationId: string) =>
    t
      .db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, organizationId), eq(auditEvents.action, "invitation.expired")));

  it("marks pending invitations past their expiry expired in one tick, audits each once, and leaves the rest", async () => {
    const { org, actor, lapsed, live, cancelled } = await lapsedAndLive("Lapse");
    const [gone] = lapsed;
    const listed = async () =>
      new Map(
        (await listMembers(actor, membersQuerySchema.parse({}))).rows.map((r) => [
          r.accountId,
          [r.status, r.invitation?.id],
        ]),
      );
    const before = await listed();
    expect(before.get(gone!.account.id)).toEqual(["expired", gone!.invitation.id]);

    const w = worker();
    await w.tick();
    const ids = [gone!.invitation.id, live.invitation.id, cancelled.invitation.id];
    expect(await statusOf(ids)).toEqual(
      new Map([
        [gone!.invitation.id, "expired"],
        [live.invitation.id, "pending"],
        [cancelled.invitation.id, "revoked"],
      ]),
    );
    const events = await expiredEvents(org.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorAccountId: null,
      targetType: "invitation",
      targetId: gone!.invitation.id,
      targetLabel: gone!.account.email,
      details: { expiresAt: gone!.invitation.expiresAt.toISOString() },
    });

    // What read the lapsed pending row reads the expired one alike: the Users page, the invitation page.
    expect(await listed()).toEqual(before);
    expect(await viewInvitation(gone!.invitation.id, gone!.key, meta())).toEqual({ state: "expired" });

    advance(PRUNE_INTERVAL_MS);
    await w.tick();
    expect(await expiredEvents(org.id)).toHaveLength(1);
  });

  it("marks a backlog in bounded slices, one per interval", async () => {
    const { org, lapsed } = await lapsedAndLive("Backlog", 3);
    const w = worker({ pruneBatchSize: 2 });
    const expiredCount = async () =>
      [...(await statusOf(lapsed.map((l) => l.invitation.id))).values()].filter((s) => s === "expired").length;
    await w.tick();
    expect(await expiredCount()).toBe(2);
    advance(PRUNE_INTERVAL_MS);
    await w.tick();
    expect(await expiredCount()).toBe(3);
    expect(await expiredEvents(org.id)).toHaveLength(3);
  });
});

describe("organizations' former URL names", () => {
  it("removes a redirect past its expiry in one tick and keeps a live one", async () => {
    const db = t.db();
    const org = await createOrganization(db, "Renamed");
    const day = 24 * 60 * MINUTE;
    const gone = `gone-${randomBytes(3).toString("hex")}`;
    const kept = `kept-${randomBytes(3).toString("hex")}`;
    await db.insert(organizationSlugRedirects).values([
      { oldSlug: gone, organizationId: org.id, expiresAt: new Date(Date.now() - day) },
      { oldSlug: kept, organizationId: org.id, expiresAt: new Date(Date.now() + 29 * day) },
    ]);
    await worker().tick();
    const left = await db
      .select({ oldSlug: organizationSlugRedirects.oldSlug })
      .from(organizationSlugRedirects)
      .where(eq(organizationSlugRedirects.organizationId, org.id));
    expect(left).toEqual([{ oldSlug: kept }]);
  });
});

// PGlite is one connection in one process: a second writer holding a row needs PostgreSQL.
describe.runIf(usingPostgres)("retention next to writers", () => {
  it("skips a counter a writer holds instead of waiting for it, and removes it at the next interval", async () => {
    const { expired, live } = await seed("held");
    const other = await openPostgres(t.url()!, { migrate: false, max: 1 });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = other.db.transaction(async (tx) => {
      await tx.select().from(rateLimits).where(eq(rateLimits.key, expired.rateLimit)).for("update");
      locked();
      await released;
    });
    try {
      await isLocked;
      const w = worker();
      const tick = w.tick().then(() => "done" as const);
      const waited = new Promise<"waited">((resolve) => setTimeout(() => resolve("waited"), 10_000).unref());
      expect(await Promise.race([tick, waited])).toBe("done");
      expect(await remaining()).toEqual({ ...only(live), rateLimits: [expired.rateLimit, live.rateLimit].sort() });

      release();
      await holder;
      advance(PRUNE_INTERVAL_MS);
      await w.tick();
      expect(await remaining()).toEqual(only(live));
    } finally {
      release();
      await holder;
      await other.close();
    }
  });
});
