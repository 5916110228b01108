import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { and, asc, eq, inArray, lte, or, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { emailOutbox } from "@/db/schema";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { PRUNE_BATCH_SIZE, pruneExpiredRows } from "@/lib/retention";
import { createMailboxTransport } from "./mailbox";
import { onOutboxNotified } from "./outbox";
import { renderEmail, type EmailToRender } from "./render";
import { createResendTransport } from "./resend-transport";
import { openSecret } from "./secret-box";
import type { EmailTransport, SendOutcome } from "./transport";
import type { EmailTemplateName } from "./types";

const templateNames: readonly EmailTemplateName[] = [
  "invitation",
  "invitation-accepted",
  "invitation-declined",
  "password-changed",
  "password-reset",
];

export type OutboxWorkerOptions = {
  transport: EmailTransport;
  /** Defaults to the process-wide database; a second worker in one process passes its own connection. */
  db?: Database;
  /** Written to `leased_by`: which worker holds a message. */
  id?: string;
  from?: string;
  /** First retry delay; doubles with each attempt up to `maxRetryDelayMs`. */
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  /** Attempts after which a retryable failure becomes a permanent one. */
  maxAttempts?: number;
  /**
   * How long a claim holds, renewed before each attempt to send; a worker that dies leaves its
   * messages to others once it lapses. Longer than the transport's timeout.
   */
  leaseMs?: number;
  /** Messages claimed at once, then sent one after the other (each one's lease renewed as its turn comes). */
  batchSize?: number;
  /**
   * The least time between two prunings of expired bookkeeping rows by this worker, whatever the
   * poll interval: each one scans the tables it prunes.
   */
  pruneIntervalMs?: number;
  /** Rows deleted per table and pruning; a larger backlog goes over the following ones. */
  pruneBatchSize?: number;
  now?: () => Date;
};

export type ClaimedEmail = {
  id: string;
  template: string;
  locale: "en" | "fr";
  toAddress: string;
  payload: Record<string, unknown>;
  secretCiphertext: string | null;
  attempts: number;
  idempotencyKey: string;
};

export type OutboxWorker = {
  readonly id: string;
  /** Claims up to `batchSize` due messages (queued, retrying and due, or with a lapsed lease). */
  claim(): Promise<ClaimedEmail[]>;
  /** Claims one batch and delivers it; the number of messages it handled. */
  runOnce(): Promise<number>;
  /** Runs batches until nothing is due; the number of messages it handled. */
  drain(): Promise<number>;
  /**
   * One turn of the background loop: drain(), then, at most once per `pruneIntervalMs`, the
   * pruning of expired rate-limit counters, replay records and spent password-sheet tokens. A
   * failed pruning is logged and retried at the next interval; it never fails the turn.
   */
  tick(): Promise<number>;
  /** Delivers in the background: woken by notifyOutbox(), polling every `pollMs` otherwise. */
  start(pollMs?: number): void;
  /** Finishes the message in hand, then stops. */
  stop(): Promise<void>;
};

/**
 * The delivery worker of the email outbox. Several may run against one PostgreSQL database:
 * a claim takes rows `FOR UPDATE SKIP LOCKED` and leases them (status `sending`,
 * `lease_expires_at`, `leased_by`), so no two workers hold one message; a lapsed lease makes it
 * claimable again, and the idempotency key makes the provider drop a repeat of an attempt that
 * arrived. Delivery state lives in the row: status, attempts, next_attempt_at, last_error,
 * provider_message_id. The sealed secret is erased once the message is sent or has failed.
 * Its loop also prunes expired bookkeeping rows (see `tick`), so their retention needs no other
 * process.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const now = options.now ?? (() => new Date());
  const retryBaseMs = options.retryBaseMs ?? env.EMAIL_RETRY_BASE_MS;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 3_600_000;
  const maxAttempts = options.maxAttempts ?? 15;
  const leaseMs = options.leaseMs ?? env.EMAIL_LEASE_MS;
  const batchSize = options.batchSize ?? 5;
  const pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
  const pruneBatchSize = options.pruneBatchSize ?? PRUNE_BATCH_SIZE;
  const from = options.from ?? env.EMAIL_FROM;
  const database = () => (options.db ? Promise.resolve(options.db) : getDb());

  async function claim(): Promise<ClaimedEmail[]> {
    const db = await database();
    const at = now();
    return db.transaction(async (tx) => {
      const due = await tx
        .select({ id: emailOutbox.id })
        .from(emailOutbox)
        .where(
          or(
            and(inArray(emailOutbox.status, ["queued", "retrying"]), lte(emailOutbox.nextAttemptAt, at)),
            and(eq(emailOutbox.status, "sending"), lte(emailOutbox.leaseExpiresAt, at)),
          ),
        )
        .orderBy(asc(emailOutbox.nextAttemptAt))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(emailOutbox)
        .set({
          status: "sending",
          leasedBy: id,
          leaseExpiresAt: new Date(at.getTime() + leaseMs),
          attempts: sql`${emailOutbox.attempts} + 1`,
        })
        .where(
          inArray(
            emailOutbox.id,
            due.map((d) => d.id),
          ),
        )
        .returning({
          id: emailOutbox.id,
          template: emailOutbox.template,
          locale: emailOutbox.locale,
          toAddress: emailOutbox.toAddress,
          payload: emailOutbox.payload,
          secretCiphertext: emailOutbox.secretCiphertext,
          attempts: emailOutbox.attempts,
          idempotencyKey: emailOutbox.idempotencyKey,
        });
    });
  }

  /**
   * Extends the lease of a claimed message right before it is sent: the messages of a batch go
   * one after the other, and the last may wait longer than the lease. False when the lease
   * lapsed and another worker took the message over (it is theirs to send).
   */
  async function renew(email: ClaimedEmail): Promise<boolean> {
    const db = await database();
    const renewed = await db
      .update(emailOutbox)
      .set({ leaseExpiresAt: new Date(now().getTime() + leaseMs) })
      .where(and(eq(emailOutbox.id, email.id), eq(emailOutbox.leasedBy, id), eq(emailOutbox.status, "sending")))
      .returning({ id: emailOutbox.id });
    return renewed.length > 0;
  }

  async function attempt(email: ClaimedEmail): Promise<SendOutcome> {
    let rendered;
    try {
      if (!(templateNames as readonly string[]).includes(email.template))
        throw new Error(`unknown template ${email.template}`);
      const secret = email.secretCiphertext ? (JSON.parse(openSecret(email.secretCiphertext)) as unknown) : null;
      rendered = await renderEmail({
        template: email.template,
        locale: email.locale,
        payload: email.payload,
        secret,
      } as EmailToRender);
    } catch (error) {
      return {
        kind: "failed",
        reason: `The email could not be prepared: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    try {
      return await options.transport.send({
        from,
        to: email.toAddress,
        ...rendered,
        idempotencyKey: email.idempotencyKey,
      });
    } catch (error) {
      return { kind: "retry", reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async function record(email: ClaimedEmail, outcome: SendOutcome): Promise<void> {
    const db = await database();
    const at = now();
    const released = { leasedBy: null, leaseExpiresAt: null };
    let change: Partial<typeof emailOutbox.$inferInsert>;
    if (outcome.kind === "sent") {
      change = {
        ...released,
        status: "sent",
        providerMessageId: outcome.providerMessageId,
        sentAt: at,
        secretCiphertext: null,
      };
    } else if (outcome.kind === "failed" || email.attempts >= maxAttempts) {
      const reason =
        outcome.kind === "failed" ? outcome.reason : `${outcome.reason} (gave up after ${email.attempts} attempts)`;
      change = { ...released, status: "failed", lastError: reason, secretCiphertext: null };
    } else {
      const backoff = Math.min(retryBaseMs * 2 ** (email.attempts - 1), maxRetryDelayMs);
      const delay = Math.max(backoff, outcome.retryAfterMs ?? 0);
      change = {
        ...released,
        status: "retrying",
        lastError: outcome.reason,
        nextAttemptAt: new Date(at.getTime() + delay),
      };
    }
    // Only while the lease is still ours: a worker that took the message over decides its fate.
    const updated = await db
      .update(emailOutbox)
      .set(change)
      .where(and(eq(emailOutbox.id, email.id), eq(emailOutbox.leasedBy, id), eq(emailOutbox.status, "sending")))
      .returning({ id: emailOutbox.id });
    const fields = { outboxId: email.id, template: email.template, attempts: email.attempts, worker: id };
    if (updated.length === 0) logger.warn("email outcome dropped: the lease passed to another worker", fields);
    else if (change.status === "sent")
      logger.info("email sent", { ...fields, providerMessageId: change.providerMessageId });
    else if (change.status === "failed") logger.error("email failed", { ...fields, reason: change.lastError });
    else
      logger.warn("email delivery will be retried", {
        ...fields,
        reason: change.lastError,
        nextAttemptAt: change.nextAttemptAt?.toISOString(),
      });
  }

  let running = false;
  let stopping = false;
  let loop: Promise<void> | undefined;

  async function runOnce(): Promise<number> {
    const claimed = await claim();
    for (const email of claimed) {
      try {
        if (!(await renew(email))) {
          logger.warn("email skipped: the lease passed to another worker before sending", {
            outboxId: email.id,
            worker: id,
          });
          continue;
        }
        await record(email, await attempt(email));
      } catch (error) {
        // The lease lapses and another attempt (same idempotency key) settles it.
        logger.error("email outcome could not be recorded", { outboxId: email.id, error });
      }
    }
    return claimed.length;
  }

  async function drain(): Promise<number> {
    let total = 0;
    while (!stopping) {
      const handled = await runOnce();
      if (handled === 0) break;
      total += handled;
    }
    return total;
  }

  let lastPrunedAt: number | undefined;

  async function pruneIfDue(): Promise<void> {
    const at = now().getTime();
    if (lastPrunedAt !== undefined && at - lastPrunedAt < pruneIntervalMs) return;
    // Set before trying, so a database that refuses gets one attempt (and one log line) per interval.
    lastPrunedAt = at;
    try {
      const pruned = await pruneExpiredRows(await database(), pruneBatchSize);
      if (pruned.rateLimits + pruned.idempotencyRecords + pruned.spentPasswordSheets > 0)
        // Named apart from the logger's secret patterns ("password"), which would blank the count.
        logger.info("expired rows pruned", {
          worker: id,
          rateLimits: pruned.rateLimits,
          idempotencyRecords: pruned.idempotencyRecords,
          spentSheets: pruned.spentPasswordSheets,
        });
    } catch (error) {
      logger.error("pruning expired rows failed", { worker: id, error });
    }
  }

  async function tick(): Promise<number> {
    try {
      return await drain();
    } finally {
      await pruneIfDue();
    }
  }

  let wake: (() => void) | undefined;
  let woken = false;
  const notify = () => {
    woken = true;
    wake?.();
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  return {
    id,
    claim,
    runOnce,
    drain,
    tick,
    start(pollMs = env.EMAIL_POLL_MS) {
      if (running) return;
      running = true;
      stopping = false;
      const unsubscribe = onOutboxNotified(notify);
      loop = (async () => {
        while (running) {
          woken = false;
          try {
            await tick();
          } catch (error) {
            logger.error("email outbox poll failed", { worker: id, error });
          }
          if (running) await pause(pollMs);
          wake = undefined;
        }
        unsubscribe();
      })();
    },
    async stop() {
      running = false;
      stopping = true;
      notify();
      await loop;
      loop = undefined;
      stopping = false;
    },
  };
}

/** The transport configuration selects: Resend with RESEND_API_KEY, else the development mailbox. */
export function transportFromEnv(): EmailTransport {
  return env.emailTransport === "resend"
    ? createResendTransport({
        apiKey: env.RESEND_API_KEY ?? "",
        baseUrl: env.RESEND_BASE_URL,
        timeoutMs: env.EMAIL_SEND_TIMEOUT_MS,
      })
    : createMailboxTransport();
}

const globalKey = Symbol.for("gatehouse.emailWorker");
type GlobalWithWorker = typeof globalThis & { [globalKey]?: OutboxWorker };

/** The worker of this server process (started once, even if start-up runs twice in development). */
export function startOutboxWorker(): OutboxWorker {
  const store = globalThis as GlobalWithWorker;
  if (!store[globalKey]) {
    const worker = createOutboxWorker({ transport: transportFromEnv() });
    worker.start();
    store[globalKey] = worker;
    logger.info("email worker started", {
      worker: worker.id,
      transport: env.emailTransport,
      pollMs: env.EMAIL_POLL_MS,
    });
  }
  return store[globalKey];
}
