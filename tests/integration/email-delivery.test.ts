import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openPostgres, type Database } from "@/db/client";
import { emailOutbox } from "@/db/schema";
import { listMailbox, createMailboxTransport } from "@/lib/email/mailbox";
import { enqueueEmail, notifyOutbox } from "@/lib/email/outbox";
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
const LEASE_MS = 60_000;
// Every test reads time from this clock, so backoff and leases are checked as values, not waited for.
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
  standIn.emails.length = 0;
  standIn.requests.length = 0;
  standIn.faults.length = 0;
  standIn.latencyMs = 0;
  clock = new Date(Date.now() + 1_000);
});

const resend = (timeoutMs = 10_000) =>
  createResendTransport({ apiKey: "re_test", baseUrl: standIn.url, timeoutMs, now });

// These tests read time from their own clock; the provider's rate is tested in email-batches.test.ts.
function worker(overrides: Partial<OutboxWorkerOptions> = {}) {
  return createOutboxWorker({
    transport: resend(),
    ratePerSecond: null,
    retryBaseMs: BASE_MS,
    leaseMs: LEASE_MS,
    now,
    ...overrides,
  });
}

type Invite = {
  to?: string;
  personalMessage?: string | null;
  variant?: "existing" | "new-with-password" | "new-without-password";
};

/** Queues an invitation email the way the invitation flow does, in a committed transaction. */
async function queueInvitation({
  to = uniqueEmail("invitee"),
  personalMessage = null,
  variant = "new-with-password",
}: Invite = {}) {
  const key = `key-${Math.random().toString(36).slice(2)}`;
  const temporaryPassword = variant === "new-with-password" ? `pw-${Math.random().toString(36).slice(2)}` : undefined;
  const id = await t.db().transaction((tx) =>
    queueInvitationEmail(tx, {
      invitation: {
        id: crypto.randomUUID(),
        organizationId,
        email: to,
        role: "administrator",
        expiresAt: new Date("2026-12-04T18:00:00Z"),
        locale: "en",
        personalMessage,
        passwordDelivery: variant === "existing" ? "none" : variant === "new-with-password" ? "email" : "manual",
      },
      organizationName: "Acme Cloud",
      inviter: { name: "Olivia Owner", email: "olivia@example.com" },
      key,
      temporaryPassword,
    }),
  );
  return { id, to, key, temporaryPassword };
}

async function outboxRow(id: string) {
  const [row] = await t.db().select().from(emailOutbox).where(eq(emailOutbox.id, id));
  if (!row) throw new Error("no outbox row");
  return row;
}

describe("delivery through Resend", () => {
  it("retries after three 500s with exponential backoff and delivers exactly once", async () => {
    const { id, to } = await queueInvitation();
    standIn.faults.push(...Array.from({ length: 3 }, () => ({ kind: "status" as const, status: 500 })));
    const w = worker();

    for (const attempt of [1, 2, 3]) {
      expect(await w.runOnce()).toBe(1);
      const row = await outboxRow(id);
      const delay = BASE_MS * 2 ** (attempt - 1);
      expect(row).toMatchObject({ status: "retrying", attempts: attempt, leasedBy: null, leaseExpiresAt: null });
      expect(row.lastError).toContain("500");
      expect(row.nextAttemptAt.getTime()).toBe(clock.getTime() + delay);
      expect(row.secretCiphertext).not.toBeNull();
      expect(await w.runOnce()).toBe(0);
      advance(delay);
    }
    expect(await w.runOnce()).toBe(1);

    const row = await outboxRow(id);
    expect(row).toMatchObject({ status: "sent", attempts: 4, secretCiphertext: null, leasedBy: null });
    expect(standIn.emails).toHaveLength(1);
    expect(standIn.emails[0]).toMatchObject({ to: [to], idempotencyKey: row.idempotencyKey });
    expect(row.providerMessageId).toBe(standIn.emails[0]!.id);
    expect(new Set(standIn.requests.map((r) => r.idempotencyKey))).toEqual(new Set([row.idempotencyKey]));
    expect(standIn.requests).toHaveLength(4);
  });

  it("waits as long as Retry-After asks when the provider answers 429", async () => {
    const { id } = await queueInvitation();
    standIn.faults.push({ kind: "status", status: 429, retryAfterSeconds: 120 });
    const w = worker();
    await w.runOnce();
    const row = await outboxRow(id);
    expect(row.status).toBe("retrying");
    expect(row.lastError).toContain("429");
    expect(row.nextAttemptAt.getTime()).toBe(clock.getTime() + 120_000);
    advance(119_000);
    expect(await w.runOnce()).toBe(0);
    advance(1_000);
    expect(await w.runOnce()).toBe(1);
    expect((await outboxRow(id)).status).toBe("sent");
  });

  it("retries a timed-out attempt with the same idempotency key and one email results", async () => {
    const { id, to } = await queueInvitation();
    standIn.faults.push({ kind: "timeout", delayMs: 2_000, deliver: true });
    const w = worker({ transport: resend(300) });

    await w.runOnce();
    const retrying = await outboxRow(id);
    expect(retrying.status).toBe("retrying");
    expect(retrying.lastError).toContain("No answer from Resend");
    expect(standIn.emails).toHaveLength(1);

    advance(BASE_MS);
    await w.runOnce();
    const row = await outboxRow(id);
    expect(row.status).toBe("sent");
    expect(standIn.requests.map((r) => r.idempotencyKey)).toEqual([row.idempotencyKey, row.idempotencyKey]);
    expect(standIn.emails).toHaveLength(1);
    expect(standIn.emails[0]!.to).toEqual([to]);
    expect(row.providerMessageId).toBe(standIn.emails[0]!.id);
  });

  it("marks a message the provider refuses as failed with its reason, erases the secret and stops trying", async () => {
    const { id } = await queueInvitation();
    standIn.faults.push({ kind: "status", status: 422, message: "Invalid `to` field." });
    const w = worker();
    await w.runOnce();
    const row = await outboxRow(id);
    expect(row).toMatchObject({ status: "failed", attempts: 1, secretCiphertext: null, providerMessageId: null });
    expect(row.lastError).toBe("422 application_error: Invalid `to` field.");
    advance(3_600_000);
    expect(await w.runOnce()).toBe(0);
    expect(standIn.emails).toHaveLength(0);
  });

  it("gives up after the last allowed attempt", async () => {
    const { id } = await queueInvitation();
    standIn.faults.push({ kind: "status", status: 503 }, { kind: "status", status: 503 });
    const w = worker({ maxAttempts: 2 });
    await w.runOnce();
    advance(BASE_MS);
    await w.runOnce();
    const row = await outboxRow(id);
    expect(row).toMatchObject({ status: "failed", attempts: 2, secretCiphertext: null });
    expect(row.lastError).toContain("gave up after 2 attempts");
  });

  it("lets another worker deliver a message whose worker died after claiming it, once the lease lapses", async () => {
    const { id, to } = await queueInvitation();
    const dead = worker({ id: "worker-that-dies" });
    const [claimed] = await dead.claim();
    expect(claimed?.id).toBe(id);
    expect(await outboxRow(id)).toMatchObject({ status: "sending", leasedBy: "worker-that-dies", attempts: 1 });

    const survivor = worker({ id: "survivor" });
    expect(await survivor.runOnce()).toBe(0);
    advance(LEASE_MS);
    expect(await survivor.runOnce()).toBe(1);

    expect(await outboxRow(id)).toMatchObject({ status: "sent", attempts: 2, leasedBy: null });
    expect(standIn.emails.map((e) => e.to)).toEqual([[to]]);
  });

  it("renews the lease before each message of a batch, and does not send one whose lease passed to another worker", async () => {
    const first = await queueInvitation();
    const second = await queueInvitation();
    const other = worker({ id: "other" });
    const slowTransport = resend();
    let sends = 0;
    // The first send takes longer than the lease: meanwhile the other worker claims both messages.
    const slow = worker({
      id: "slow",
      batchSize: 2,
      transport: {
        name: "resend",
        async send(email) {
          const outcome = await slowTransport.send(email);
          if (sends++ === 0) {
            advance(LEASE_MS);
            expect((await other.claim()).map((c) => c.id).sort()).toEqual([first.id, second.id].sort());
          }
          return outcome;
        },
      },
    });
    expect(await slow.runOnce()).toBe(2);
    expect(sends).toBe(1);
    const secondRow = await outboxRow(second.id);
    expect(secondRow).toMatchObject({ status: "sending", leasedBy: "other" });
    expect(standIn.requests.filter((r) => r.idempotencyKey === secondRow.idempotencyKey)).toHaveLength(0);

    advance(LEASE_MS);
    expect(await worker({ id: "survivor" }).runOnce()).toBe(2);
    expect((await outboxRow(first.id)).status).toBe("sent");
    expect((await outboxRow(second.id)).status).toBe("sent");
    expect(standIn.emails.map((e) => e.to[0]).sort()).toEqual([first.to, second.to].sort());
  });

  it("never lets two workers send the same message: 200 messages, each sent once", async () => {
    const handles = usingPostgres
      ? await Promise.all([0, 1].map(() => openPostgres(t.url()!, { migrate: false, max: 2 })))
      : [];
    try {
      // On PostgreSQL each worker has its own connections; PGlite is one process, one connection.
      const databases: (Database | undefined)[] = usingPostgres ? handles.map((h) => h.db) : [undefined, undefined];
      await t.db().transaction(async (tx) => {
        for (let i = 0; i < 200; i++) {
          await enqueueEmail(tx, {
            organizationId,
            template: "invitation-accepted",
            locale: i % 2 ? "fr" : "en",
            to: `inviter${i}@example.com`,
            payload: {
              organizationName: "Acme Cloud",
              inviteeName: `Invitee ${i}`,
              inviteeEmail: `invitee${i}@example.com`,
              acceptedAt: new Date().toISOString(),
            },
          });
        }
      });
      standIn.latencyMs = 2;
      const [a, b] = databases.map((db, i) => worker({ db, id: `worker-${i}` }));
      // A loaded machine may see a request fail in transit; its retry falls due when the clock moves.
      const handled = [0, 0];
      for (let round = 0; round < 5; round++) {
        const counts = await Promise.all([a!.drain(), b!.drain()]);
        handled[0]! += counts[0]!;
        handled[1]! += counts[1]!;
        if (counts[0]! + counts[1]! === 0) break;
        advance(3_600_000);
      }

      expect(handled[0]).toBeGreaterThan(0);
      expect(handled[1]).toBeGreaterThan(0);
      const rows = await t.db().select().from(emailOutbox);
      expect(rows.filter((r) => r.status === "sent")).toHaveLength(200);
      expect(handled[0]! + handled[1]!).toBe(rows.reduce((sum, r) => sum + r.attempts, 0));
      // A message held by two workers at once would show a second attempt (and request) with no
      // failure to explain it.
      for (const row of rows) {
        const requests = standIn.requests.filter((r) => r.idempotencyKey === row.idempotencyKey).length;
        expect(requests).toBeGreaterThanOrEqual(1);
        expect(requests).toBeLessThanOrEqual(row.attempts);
        if (row.attempts > 1) expect(row.lastError, `attempt ${row.attempts} of ${row.id}`).not.toBeNull();
      }
      expect(standIn.emails).toHaveLength(200);
      expect(new Set(standIn.emails.map((e) => e.to[0])).size).toBe(200);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
    // 200 renders and sends: minutes on a loaded two-core machine, so the budget is generous.
  }, 300_000);

  it("wakes the running worker when an email is queued, and stops cleanly", async () => {
    const w = worker({ now: () => new Date() });
    w.start(600_000);
    try {
      const { to } = await queueInvitation({ variant: "existing" });
      notifyOutbox();
      await expect.poll(() => standIn.emails.map((e) => e.to[0]), { timeout: 15_000 }).toContain(to);
    } finally {
      await w.stop();
    }
  });
});

describe("what the invitee receives", () => {
  it("has the personal message escaped in HTML, its line breaks kept", async () => {
    const message = 'Hi <b>there</b>\n<script>alert("x")</script> & welcome';
    const { to } = await queueInvitation({ personalMessage: message });
    await worker().drain();
    const [email] = standIn.emails;
    expect(email?.to).toEqual([to]);
    expect(email!.html).not.toContain("<script>");
    expect(email!.html).not.toContain("<b>there");
    expect(email!.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; welcome");
    expect(email!.html).toMatch(/Hi &lt;b&gt;there&lt;\/b&gt;(<!-- -->)?<\/span><span><br\/>/);
    const lines = email!.text!.split("\n");
    expect(lines).toContain("Hi <b>there</b>");
    expect(lines).toContain('<script>alert("x")</script> & welcome');
  });

  it("carries the key and the temporary password only in the email itself", async () => {
    const { id, key, temporaryPassword } = await queueInvitation();
    const queued = await outboxRow(id);
    const stored = JSON.stringify(queued);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(temporaryPassword);

    await worker().drain();
    const lines = standIn.emails[0]!.text!.split("\n");
    expect(lines).toContain(`Key: ${key}`);
    expect(lines).toContain(`Temporary password: ${temporaryPassword}`);
    const sent = await outboxRow(id);
    expect(sent.secretCiphertext).toBeNull();
    expect(JSON.stringify(sent)).not.toContain(temporaryPassword);
    expect(sent.payload).toMatchObject({ organizationName: "Acme Cloud", variant: "new-with-password" });
  });
});

describe("the development mailbox", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "gatehouse-mailbox-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps every delivered message with its HTML and text, once per idempotency key", async () => {
    const { id, to, key } = await queueInvitation({ variant: "new-without-password" });
    const w = worker({ transport: createMailboxTransport(dir) });
    await w.drain();
    const row = await outboxRow(id);
    expect(row).toMatchObject({ status: "sent", providerMessageId: row.idempotencyKey });

    await createMailboxTransport(dir).send({
      from: "a@example.com",
      to,
      subject: "again",
      html: "",
      text: "",
      idempotencyKey: row.idempotencyKey,
    });
    const messages = await listMailbox(dir);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      to,
      subject: "Olivia Owner invited you to join Acme Cloud as an administrator",
    });
    expect(messages[0]!.html).toContain("<html");
    expect(messages[0]!.text.split("\n")).toContain(`Key: ${key}`);
    expect(messages[0]!.text).toContain("Your administrator will give you your temporary password");
  });
});
