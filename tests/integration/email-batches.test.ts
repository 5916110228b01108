import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openPostgres, type Database } from "@/db/client";
import { emailOutbox, emailRateBuckets } from "@/db/schema";
import { enqueueEmail } from "@/lib/email/outbox";
import { createResendTransport } from "@/lib/email/resend-transport";
import { createOutboxWorker, type OutboxWorkerOptions } from "@/lib/email/worker";
import { queueInvitationEmail } from "@/lib/invitations/email";
import { withTestDatabase, usingPostgres } from "../support/db";
import { createOrganization, uniqueEmail } from "../support/factories";
import { startResendStandIn, type StandIn } from "../support/resend-stand-in";

const t = withTestDatabase();
let standIn: StandIn;
let organizationId: string;

const BASE_MS = 1_000;
let clock: Date;
const now = () => clock;
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

beforeAll(async () => {
  standIn = await startResendStandIn();
  organizationId = (await createOrganization(t.db(), "Acme Cloud")).id;
});
afterAll(async () => {
  await standIn?.close();
});
beforeEach(async () => {
  await t.db().delete(emailOutbox);
  await t.db().delete(emailRateBuckets);
  // Forgets the emails, requests, keys and the rate window of the test before.
  await fetch(`${standIn.url}/__emails`, { method: "DELETE" });
  standIn.faults.length = 0;
  standIn.latencyMs = 0;
  standIn.ratePerSecond = null;
  // Ahead of the database's clock by more than queueing takes on a busy machine: queued rows are due.
  clock = new Date(Date.now() + 60_000);
});

const resend = (timeoutMs = 10_000) =>
  createResendTransport({ apiKey: "re_test", baseUrl: standIn.url, timeoutMs, now: () => clock });

function worker(overrides: Partial<OutboxWorkerOptions> = {}) {
  return createOutboxWorker({ transport: resend(), retryBaseMs: BASE_MS, leaseMs: 60_000, now, ...overrides });
}

/** Queues `count` invitation emails (new accounts, password in the email) in one committed transaction. */
async function queueInvitations(count: number): Promise<string[]> {
  return t.db().transaction(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(
        await queueInvitationEmail(tx, {
          invitation: {
            id: crypto.randomUUID(),
            organizationId,
            email: uniqueEmail(`batch${i}`),
            role: "user",
            expiresAt: new Date("2026-12-04T18:00:00Z"),
            locale: i % 2 ? "fr" : "en",
            personalMessage: null,
            passwordDelivery: "email",
          },
          organizationName: "Acme Cloud",
          inviter: { name: "Olivia Owner", email: "olivia@example.com" },
          key: `key-${i}-${Math.random().toString(36).slice(2)}`,
          temporaryPassword: `pw-${i}-${Math.random().toString(36).slice(2)}`,
        }),
      );
    }
    return ids;
  });
}

/** Queues `count` short notices (not invitations: each goes alone). */
async function queueNotices(count: number): Promise<string[]> {
  return t.db().transaction(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(
        await enqueueEmail(tx, {
          organizationId: null,
          template: "password-changed",
          locale: "en",
          to: uniqueEmail(`notice${i}`),
          payload: { accountName: `Account ${i}`, changedAt: new Date().toISOString() },
        }),
      );
    }
    return ids;
  });
}

async function rows(ids: string[]) {
  return t.db().select().from(emailOutbox).where(inArray(emailOutbox.id, ids));
}

const batchRequests = () => standIn.requests.filter((r) => r.path === "/emails/batch");
const singleRequests = () => standIn.requests.filter((r) => r.path === "/emails");

describe("invitations in batches", () => {
  it("sends queued invitations in one batch request and gives each message the provider id of its own email", async () => {
    const invitations = await queueInvitations(5);
    const [notice] = await queueNotices(1);
    expect(await worker({ ratePerSecond: null }).drain()).toBe(6);

    expect(batchRequests()).toHaveLength(1);
    expect(batchRequests()[0]).toMatchObject({ answer: 200, messages: 5 });
    expect(singleRequests()).toHaveLength(1);
    const sent = await rows([...invitations, notice!]);
    expect(sent.every((r) => r.status === "sent" && r.secretCiphertext === null && r.leasedBy === null)).toBe(true);
    // Each row's provider id is the id of the email that names that row, and that email went to its address.
    for (const row of sent) {
      const email = standIn.emails.find((e) => e.messageKey === row.idempotencyKey);
      expect(email, row.id).toBeDefined();
      expect(row.providerMessageId).toBe(email!.id);
      expect(email!.to).toEqual([row.toAddress]);
    }
    const batchRows = sent.filter((r) => invitations.includes(r.id));
    expect(new Set(batchRows.map((r) => r.batchKey)).size).toBe(1);
    expect(batchRows[0]!.batchKey).toBe(batchRequests()[0]!.idempotencyKey);
    expect(sent.find((r) => r.id === notice)!.batchKey).toBeNull();
    expect(standIn.duplicates()).toBe(0);
  });

  it("puts at most 100 messages in a request", async () => {
    const ids = await queueInvitations(130);
    expect(await worker({ ratePerSecond: null, batchSize: 2 }).drain()).toBe(130);
    expect(batchRequests().map((r) => r.messages)).toEqual([100, 30]);
    expect((await rows(ids)).filter((r) => r.status === "sent")).toHaveLength(130);
    expect(standIn.emails).toHaveLength(130);
    expect(standIn.duplicates()).toBe(0);
  }, 120_000);

  it("retries a batch whose answer never came with the same messages and key: each message is delivered once", async () => {
    const ids = await queueInvitations(4);
    // The provider sends the batch, but the answer is lost.
    standIn.faults.push({ kind: "timeout", delayMs: 1_500, deliver: true });
    const w = worker({ ratePerSecond: null, transport: resend(500) });
    expect(await w.runOnce()).toBe(4);
    const retrying = await rows(ids);
    expect(retrying.every((r) => r.status === "retrying" && r.attempts === 1)).toBe(true);
    expect(retrying.every((r) => r.secretCiphertext !== null)).toBe(true);
    const batchKey = retrying[0]!.batchKey;
    expect(batchKey).not.toBeNull();
    expect(retrying.every((r) => r.batchKey === batchKey)).toBe(true);
    expect(standIn.emails).toHaveLength(4);

    advance(BASE_MS);
    expect(await w.runOnce()).toBe(4);
    const sent = await rows(ids);
    expect(sent.every((r) => r.status === "sent" && r.attempts === 2 && r.batchKey === batchKey)).toBe(true);
    expect(batchRequests().map((r) => [r.idempotencyKey, r.repeat ?? false])).toEqual([
      [batchKey, false],
      [batchKey, true],
    ]);
    // The repeat answered the first delivery's ids: still exactly one email per message.
    expect(standIn.emails).toHaveLength(4);
    for (const row of sent)
      expect(row.providerMessageId).toBe(standIn.emails.find((e) => e.messageKey === row.idempotencyKey)!.id);
    expect(standIn.duplicates()).toBe(0);

    // Positive control: the same messages under another key are delivered again, and counted.
    const [first] = await rows(ids.slice(0, 1));
    const again = await resend().sendBatch!(
      [
        {
          from: "a@example.com",
          to: first!.toAddress,
          subject: "s",
          html: "<p>x</p>",
          text: "x",
          idempotencyKey: first!.idempotencyKey,
        },
      ],
      crypto.randomUUID(),
    );
    expect(again.kind).toBe("sent");
    expect(standIn.duplicates()).toBe(1);
  });

  it("retries a batch whole after the batch size was lowered", async () => {
    const ids = await queueInvitations(4);
    standIn.faults.push({ kind: "timeout", delayMs: 1_500, deliver: true });
    expect(await worker({ ratePerSecond: null, transport: resend(500) }).runOnce()).toBe(4);
    const batchKey = (await rows(ids))[0]!.batchKey;
    expect(batchKey).not.toBeNull();

    // EMAIL_BATCH_SIZE=1 and one request per claim (as under a rate limit): the batch of four that
    // went out before still goes again whole, under its key, rather than wait for a claim of four.
    advance(BASE_MS);
    const single = createResendTransport({ apiKey: "re_test", baseUrl: standIn.url, maxBatchSize: 1, now });
    expect(await worker({ ratePerSecond: null, batchSize: 1, transport: single }).runOnce()).toBe(4);
    expect((await rows(ids)).every((r) => r.status === "sent" && r.batchKey === batchKey)).toBe(true);
    expect(batchRequests().map((r) => r.idempotencyKey)).toEqual([batchKey, batchKey]);
    expect(standIn.emails).toHaveLength(4);
    expect(standIn.duplicates()).toBe(0);
  });

  it("retries a batch answered 500 whole, after the backoff, and never splits it", async () => {
    const ids = await queueInvitations(3);
    standIn.faults.push({ kind: "status", status: 500 });
    const w = worker({ ratePerSecond: null });
    await w.runOnce();
    const retrying = await rows(ids);
    expect(retrying.every((r) => r.status === "retrying" && r.lastError?.includes("500"))).toBe(true);
    expect(retrying[0]!.nextAttemptAt.getTime()).toBe(clock.getTime() + BASE_MS);
    // A message queued meanwhile is not added to the batch: its composition is fixed.
    const [late] = await queueInvitations(1);
    advance(BASE_MS);
    await w.drain();
    const all = await rows([...ids, late!]);
    expect(all.every((r) => r.status === "sent")).toBe(true);
    expect(batchRequests().map((r) => [r.messages, r.answer])).toEqual([
      [3, 500],
      [3, 200],
    ]);
    expect(all.find((r) => r.id === late)!.batchKey).toBeNull();
    expect(standIn.emails).toHaveLength(4);
    expect(standIn.duplicates()).toBe(0);
  });

  it("sends the messages of a batch the provider refuses one at a time, each with its own answer", async () => {
    const ids = await queueInvitations(3);
    standIn.faults.push(
      { kind: "status", status: 422, message: "Invalid `to` field." },
      { kind: "status", status: 422, message: "Invalid `to` field." },
    );
    const w = worker({ ratePerSecond: null });
    await w.drain();
    const settled = await rows(ids);
    // The batch was refused (nothing sent); then each went alone: the first single refused, the others sent.
    expect(batchRequests()).toHaveLength(1);
    expect(singleRequests().map((r) => r.answer)).toEqual([422, 200, 200]);
    expect(settled.filter((r) => r.status === "failed")).toHaveLength(1);
    expect(settled.filter((r) => r.status === "sent")).toHaveLength(2);
    expect(settled.every((r) => r.batchKey === null)).toBe(true);
    expect(settled.find((r) => r.status === "failed")!.lastError).toContain("Invalid `to` field.");
    expect(standIn.emails).toHaveLength(2);
  });
});

describe("the provider's rate", () => {
  it("marks a message answered 429 retrying, no earlier than the provider's Retry-After", async () => {
    const [id] = await queueNotices(1);
    standIn.faults.push({ kind: "status", status: 429, retryAfterSeconds: 30 });
    await worker({ ratePerSecond: null }).runOnce();
    const [row] = await rows([id!]);
    expect(row).toMatchObject({ status: "retrying", attempts: 1 });
    expect(row!.lastError).toContain("429");
    expect(row!.nextAttemptAt.getTime()).toBe(clock.getTime() + 30_000);
  });

  it("an unlimited worker meets the stand-in's 429s above its rate (positive control)", async () => {
    standIn.ratePerSecond = 2;
    const ids = await queueNotices(4);
    await worker({ ratePerSecond: null, batchSize: 4 }).runOnce();
    expect(singleRequests().map((r) => r.answer)).toEqual([200, 200, 429, 429]);
    const settled = await rows(ids);
    expect(settled.filter((r) => r.status === "retrying")).toHaveLength(2);
    expect(settled.find((r) => r.status === "retrying")!.lastError).toContain("rate_limit_exceeded");
  });

  it("keeps to the rate with the bucket: no 429, requests spaced at the rate", async () => {
    standIn.ratePerSecond = 2;
    const ids = await queueNotices(5);
    const started = Date.now();
    const w = worker({ ratePerSecond: 2, now: () => new Date() });
    expect(await w.drain()).toBe(5);
    const elapsed = Date.now() - started;
    expect(singleRequests().map((r) => r.answer)).toEqual([200, 200, 200, 200, 200]);
    expect((await rows(ids)).every((r) => r.status === "sent")).toBe(true);
    // The first goes at once, the next four half a second apart at least.
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    const at = singleRequests().map((r) => r.at);
    for (let i = 2; i < at.length; i++) expect(at[i]! - at[i - 2]!).toBeGreaterThan(1_000);
  }, 60_000);
});

describe.runIf(usingPostgres)("one bucket for two workers (PostgreSQL)", () => {
  it("hands out no more than rate × elapsed + one second's credit + capacity across two workers claiming at once", async () => {
    const rate = 2;
    const handles = await Promise.all([0, 1].map(() => openPostgres(t.url()!, { migrate: false, max: 2 })));
    try {
      await queueNotices(40);
      /** Two workers claim as fast as they can for 2.5 s; each claim's requests, by the moment it returned. */
      const claimFor = async (bucket: (i: number) => string) => {
        const started = Date.now();
        const taken: number[] = [];
        await Promise.all(
          handles.map(async (h, i) => {
            const w = worker({ db: h.db, id: `claimer-${i}`, ratePerSecond: rate, rateBucket: bucket(i) });
            while (Date.now() - started < 2_500) {
              const got = await w.claim();
              for (const _ of got) taken.push(Date.now() - started);
              if (got.length === 0) await new Promise((r) => setTimeout(r, 20));
            }
          }),
        );
        return taken.sort((x, y) => x - y);
      };
      // A claim may take a turn up to one second ahead (the request then waits for it): the bound
      // on what is handed out is capacity 1 + rate × (1 s + elapsed), rate slowed by its guard.
      const bound = (ms: number) => 1 + rate * (1 + ms / 1000);

      const shared = await claimFor(() => "resend");
      expect(shared.length).toBeGreaterThanOrEqual(4);
      for (const [i, ms] of shared.entries())
        expect(i + 1, `claim ${i + 1} at +${ms} ms`).toBeLessThanOrEqual(bound(ms));

      // Positive control: a bucket each, and the two together go past the bound.
      await t.db().delete(emailOutbox);
      await queueNotices(40);
      const apart = await claimFor((i) => `apart-${i}`);
      expect(apart.some((ms, i) => i + 1 > bound(ms))).toBe(true);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  }, 60_000);

  it("a claim of single messages locks only what it takes: another worker claiming meanwhile gets the rest", async () => {
    const handles = await Promise.all([0, 1].map(() => openPostgres(t.url()!, { migrate: false, max: 2 })));
    try {
      const notices = await queueNotices(12);
      // The first claim stays open (its transaction holds its row locks) while the second runs.
      await handles[0]!.db.transaction(async (tx) => {
        const held = worker({ db: tx as unknown as Database, id: "held", ratePerSecond: null, batchSize: 3 });
        const first = (await held.claim()).map((e) => e.id);
        expect(first).toHaveLength(3);
        const other = worker({ db: handles[1]!.db, id: "other", ratePerSecond: null, batchSize: 20 });
        const second = (await other.claim()).map((e) => e.id);
        expect(second.sort()).toEqual(notices.filter((id) => !first.includes(id)).sort());
      });
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  }, 60_000);

  it("never sends more than rate × elapsed + capacity requests across two concurrent workers", async () => {
    const rate = 2;
    // The stand-in shares this process's event loop with both workers, so its arrival times bunch
    // behind a render; the bucket's bound is checked on them, and 429s across processes in the bench.
    const handles = await Promise.all([0, 1].map(() => openPostgres(t.url()!, { migrate: false, max: 2 })));
    try {
      const ids = await queueNotices(10);
      const started = Date.now();
      const [a, b] = handles.map((h, i) =>
        worker({ db: h.db, id: `bucket-${i}`, ratePerSecond: rate, now: () => new Date() }),
      );
      const counts = await Promise.all([a!.drain(), b!.drain()]);
      expect(counts[0]! + counts[1]!).toBe(10);
      expect(counts[0]).toBeGreaterThan(0);
      expect(counts[1]).toBeGreaterThan(0);

      const arrivals = singleRequests()
        .map((r) => r.at)
        .sort((x, y) => x - y);
      expect(arrivals).toHaveLength(10);
      // Capacity 1: by any moment, at most 1 + rate × (seconds since the start) requests.
      for (const [i, at] of arrivals.entries()) {
        expect(i + 1, `request ${i + 1} at +${at - started} ms`).toBeLessThanOrEqual(
          1 + (rate * (at - started)) / 1000,
        );
      }
      expect((await rows(ids)).every((r) => r.status === "sent")).toBe(true);
      const [bucket] = await t.db().select().from(emailRateBuckets).where(eq(emailRateBuckets.name, "resend"));
      expect(bucket!.tokens).toBeLessThanOrEqual(1);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  }, 60_000);
});
