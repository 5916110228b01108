import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { emailOutbox, emailRateBuckets } from "@/db/schema";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { PRUNE_BATCH_SIZE, pruneExpiredRows } from "@/lib/retention";
import { createMailboxTransport } from "./mailbox";
import { onOutboxNotified } from "./outbox";
import { renderEmails, type EmailToRender } from "./render";
import { createResendTransport, RESEND_MAX_BATCH_SIZE } from "./resend-transport";
import { openSecret } from "./secret-box";
import type { BatchOutcome, EmailTransport, OutgoingEmail, SendOutcome } from "./transport";
import type { EmailTemplateName } from "./types";

/**
 * Added to the interval between two requests under a rate limit: a request made a little late
 * (a busy event loop) must not bring the one before it and the one after it within one second
 * of each other at the provider, which counts requests per second as they arrive.
 */
const RATE_GUARD_SECONDS = 0.025;
/** Turns a request takes again before it goes out late anyway. */
const MAX_RETAKES = 5;

const templateNames: readonly EmailTemplateName[] = [
  "invitation",
  "invitation-accepted",
  "invitation-declined",
  "password-changed",
  "password-reset",
  "two-step-changed",
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
  /**
   * Provider requests claimed at once (a request is one message, or a batch of invitations when
   * the transport sends batches), then made one after the other, each one's lease renewed as its
   * turn comes. Default 5, or 1 under a rate limit (the next request is claimed while this one goes).
   */
  batchSize?: number;
  /**
   * Provider requests per second, shared through the database by every worker using the same
   * `rateBucket`; null: unlimited. Default: EMAIL_RATE_PER_SECOND for Resend, unlimited otherwise.
   */
  ratePerSecond?: number | null;
  /** The name of the token bucket (one per provider account). */
  rateBucket?: string;
  /**
   * The least time between two prunings of expired bookkeeping rows by this worker, whatever the
   * poll interval: each one scans the tables it prunes.
   */
  pruneIntervalMs?: number;
  /** Rows deleted per table and pruning; a larger backlog goes over the following ones. */
  pruneBatchSize?: number;
  now?: () => Date;
};

type ClaimedEmail = {
  id: string;
  template: string;
  locale: "en" | "fr";
  toAddress: string;
  payload: Record<string, unknown>;
  secretCiphertext: string | null;
  attempts: number;
  idempotencyKey: string;
  /** Set when the message goes out in a batch request: the batch's idempotency key. */
  batchKey: string | null;
};

/** One provider request of a claim: a message alone, or a batch, and when it may be made. */
type ClaimedRequest = { emails: ClaimedEmail[]; batchKey: string | null; notBefore: number };

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
   * retention tick (lib/retention.ts): expired rate-limit counters, replay records, spent
   * password-sheet tokens and former URL names deleted, lapsed invitations marked expired. A
   * failed tick is logged and retried at the next interval; it never fails the turn.
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
  const pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
  const pruneBatchSize = options.pruneBatchSize ?? PRUNE_BATCH_SIZE;
  const from = options.from ?? env.EMAIL_FROM;
  const database = () => (options.db ? Promise.resolve(options.db) : getDb());

  const ratePerSecond =
    options.ratePerSecond !== undefined
      ? options.ratePerSecond
      : options.transport.name === "resend"
        ? env.EMAIL_RATE_PER_SECOND
        : null;
  const bucketName = options.rateBucket ?? options.transport.name;
  const requestsPerClaim = options.batchSize ?? (ratePerSecond === null ? 5 : 1);
  const perRequest = options.transport.sendBatch ? Math.max(1, options.transport.maxBatchSize ?? 1) : 1;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const rate = ratePerSecond === null ? 0 : 1 / (1 / ratePerSecond + RATE_GUARD_SECONDS);
  /** Tokens the bucket lends ahead: one second's worth (at least one request). */
  const lookahead = Math.max(1, rate);
  let bucketReady = false;
  /** After a claim that the bucket left empty-handed while messages were due: when to claim again. */
  let waitMs: number | undefined;

  /**
   * One statement claims due messages and, under a rate limit, the requests that send them. The
   * bucket row is locked (claims queue on it), refilled at `ratePerSecond` up to one token, and
   * may lend up to one second ahead: a request taken on credit gets a moment to be made at, so
   * a worker renders while it waits for its turn and the provider sees requests spaced at the rate.
   * Invitations form batches of up to the transport's size; a batch that went out before is
   * claimed whole or not at all, and keeps its key. Rows are taken `FOR UPDATE SKIP LOCKED`.
   */
  async function claimRequests(): Promise<ClaimedRequest[]> {
    const db = await database();
    const at = now();
    const limited = ratePerSecond !== null;
    if (limited && !bucketReady) {
      await db
        .insert(emailRateBuckets)
        .values({ name: bucketName, tokens: 1 })
        .onConflictDoNothing({ target: emailRateBuckets.name });
      bucketReady = true;
    }
    const due = sql`((status in ('queued', 'retrying') and next_attempt_at <= ${at.toISOString()}::timestamptz)
        or (status = 'sending' and lease_expires_at <= ${at.toISOString()}::timestamptz))`;
    // Only rows that may travel in a batch are locked beyond one per request, so another worker's
    // claim skips no more messages than this one can send. A batch that went out before is claimed
    // whole whatever today's batch size is (it was at most Resend's), so lowering the size never
    // strands a batch waiting for its retry.
    const newInvitation =
      perRequest > 1 ? sql`(batch_key is null and template = 'invitation' and attempts = 0)` : sql`false`;
    const batchRetryLimit = options.transport.sendBatch ? Math.max(perRequest, RESEND_MAX_BATCH_SIZE) : perRequest;
    const grant = limited
      ? sql`bucket as (
          select greatest(refilled_at, now()) as base,
                 least(1, tokens + ${rate}::float8 * greatest(0, extract(epoch from (now() - refilled_at)))::float8) as tokens
            from email_rate_buckets where name = ${bucketName} for update),
        grant_ as (
          select greatest(0, least(${requestsPerClaim}::int, floor(tokens + ${lookahead}::float8)))::int as n,
                 tokens, extract(epoch from (base - now()))::float8 * 1000 as base_offset_ms, base
            from bucket)`
      : sql`grant_ as (select ${requestsPerClaim}::int as n, 0::float8 as tokens, 0::float8 as base_offset_ms)`;
    const spend = limited
      ? sql`, spent as (
          update email_rate_buckets b set tokens = g.tokens - (select count(*) from ordered), refilled_at = g.base
            from grant_ g where b.name = ${bucketName} returning b.tokens)`
      : sql``;
    const result = await db.execute(sql`with ${grant},
      retried as (
        select id, template, batch_key, attempts, next_attempt_at from email_outbox
         where ${due} and batch_key is not null
         order by next_attempt_at, batch_key, id
         limit coalesce((select n from grant_), 0) * ${batchRetryLimit}::int
         for update skip locked),
      fresh as (
        select id, template, batch_key, attempts, next_attempt_at from email_outbox
         where ${due} and ${newInvitation}
         order by next_attempt_at, id
         limit coalesce((select n from grant_), 0) * ${perRequest}::int
         for update skip locked),
      single as (
        select id, template, batch_key, attempts, next_attempt_at from email_outbox
         where ${due} and batch_key is null and not ${newInvitation}
         order by next_attempt_at, id
         limit coalesce((select n from grant_), 0)
         for update skip locked),
      due as (select * from retried union all select * from fresh union all select * from single),
      units as (
        select id, batch_key, next_attempt_at,
               case when batch_key is not null then 'b:' || batch_key::text
                    when template = 'invitation' and attempts = 0 and ${perRequest}::int > 1 then 'n:' || ((row_number()
                      over (partition by (batch_key is null and template = 'invitation' and attempts = 0)
                            order by next_attempt_at, id) - 1) / ${perRequest}::int)::text
                    else 'm:' || id::text end as unit
          from due),
      sizes as (
        select batch_key, count(*) as size from email_outbox
         where batch_key in (select batch_key from due where batch_key is not null)
         group by batch_key),
      complete as (
        select u.unit, min(u.next_attempt_at) as first_at, count(*)::int as members
          from units u left join sizes s on s.batch_key = u.batch_key
         group by u.unit
        having count(*) = coalesce(max(s.size), count(*))
         order by 2, 1
         limit coalesce((select n from grant_), 0)),
      ordered as (select unit, members, (row_number() over (order by first_at, unit))::int as turn from complete),
      claimed as (
        update email_outbox o
           set status = 'sending', leased_by = ${id},
               lease_expires_at = ${new Date(at.getTime() + leaseMs).toISOString()}::timestamptz,
               attempts = o.attempts + 1,
               batch_key = coalesce(o.batch_key,
                 case when c.unit like 'n:%' and c.members > 1 then md5(${randomUUID()} || c.unit)::uuid end)
          from units u join ordered c on c.unit = u.unit
         where o.id = u.id
        returning o.id::text as id, o.template, o.locale::text as locale, o.to_address as "toAddress",
                  o.payload::text as payload, o.secret_ciphertext as "secretCiphertext", o.attempts,
                  o.idempotency_key::text as "idempotencyKey", o.batch_key::text as "batchKey", c.unit, c.turn)
      ${spend}
      select g.n as granted, g.tokens::float8 as tokens, g.base_offset_ms as "baseOffsetMs",
             case when g.n = 0 then exists (select 1 from email_outbox where ${due}) else false end as "moreDue",
             c.*
        from grant_ g left join claimed c on true`);
    const received = Date.now();
    type Row = Omit<ClaimedEmail, "payload"> & {
      payload: string;
      unit: string;
      turn: number;
      granted: number;
      tokens: number;
      baseOffsetMs: number;
      moreDue: boolean;
    };
    const rows = rowsOf<Row>(result);
    const head = rows[0];
    waitMs = undefined;
    if (head && limited && Number(head.granted) === 0 && head.moreDue) {
      // The next token to lend: the bucket must first climb back to 1 - lookahead.
      waitMs = Math.max(10, ((1 - lookahead - Number(head.tokens)) / rate) * 1000 + Number(head.baseOffsetMs));
    }
    const requests = new Map<string, ClaimedRequest>();
    for (const row of rows) {
      if (!row.id) continue;
      const email: ClaimedEmail = {
        id: row.id,
        template: row.template,
        locale: row.locale,
        toAddress: row.toAddress,
        payload: JSON.parse(row.payload) as Record<string, unknown>,
        secretCiphertext: row.secretCiphertext,
        attempts: Number(row.attempts),
        idempotencyKey: row.idempotencyKey,
        batchKey: row.batchKey,
      };
      let request = requests.get(row.unit);
      if (!request) {
        const delay = limited
          ? Math.max(0, ((Number(row.turn) - Number(row.tokens)) / rate) * 1000) + Math.max(0, Number(row.baseOffsetMs))
          : 0;
        request = { emails: [], batchKey: email.batchKey, notBefore: received + delay };
        requests.set(row.unit, request);
      }
      request.emails.push(email);
    }
    const claimed = [...requests.values()].sort((a, b) => a.notBefore - b.notBefore);
    // The same order on every attempt: a batch is repeated byte for byte under its key.
    for (const request of claimed) request.emails.sort((a, b) => a.id.localeCompare(b.id));
    return claimed;
  }

  /**
   * Takes one more turn from the bucket for a request that missed its own (its messages took
   * longer to prepare than the wait): sent late, it would come closer to the next requests than
   * the rate allows. The missed turn is not given back. When to make the request.
   */
  async function retakeTurn(): Promise<number> {
    const db = await database();
    for (;;) {
      const result = await db.execute(sql`with bucket as (
          select greatest(refilled_at, now()) as base,
                 least(1, tokens + ${rate}::float8 * greatest(0, extract(epoch from (now() - refilled_at)))::float8) as tokens
            from email_rate_buckets where name = ${bucketName} for update),
        spent as (
          update email_rate_buckets b set tokens = k.tokens - 1, refilled_at = k.base
            from bucket k where b.name = ${bucketName} and k.tokens + ${lookahead}::float8 >= 1
          returning 1)
        select k.tokens::float8 as tokens, extract(epoch from (k.base - now()))::float8 * 1000 as "baseOffsetMs",
               exists (select 1 from spent) as granted
          from bucket k`);
      const received = Date.now();
      const [row] = rowsOf<{ tokens: number; baseOffsetMs: number; granted: boolean }>(result);
      if (!row) throw new Error(`the rate bucket ${bucketName} is missing`);
      const tokens = Number(row.tokens);
      const offset = Math.max(0, Number(row.baseOffsetMs));
      if (row.granted) return received + Math.max(0, ((1 - tokens) / rate) * 1000) + offset;
      await sleep(Math.max(10, ((1 - lookahead - tokens) / rate) * 1000 + offset));
    }
  }

  async function claim(): Promise<ClaimedEmail[]> {
    return (await claimRequests()).flatMap((r) => r.emails);
  }

  /** The messages among `emails` this worker still holds: leased by it and still being sent. */
  function stillLeased(emails: ClaimedEmail[]) {
    return and(
      inArray(
        emailOutbox.id,
        emails.map((e) => e.id),
      ),
      eq(emailOutbox.leasedBy, id),
      eq(emailOutbox.status, "sending"),
    );
  }

  /**
   * Extends the lease of claimed messages right before they are sent: the requests of a claim go
   * one after the other, and the last may wait longer than the lease. False when a lease lapsed
   * and another worker took a message over (the request is theirs to make).
   */
  async function renew(emails: ClaimedEmail[]): Promise<boolean> {
    const db = await database();
    const renewed = await db
      .update(emailOutbox)
      .set({ leaseExpiresAt: new Date(now().getTime() + leaseMs) })
      .where(stillLeased(emails))
      .returning({ id: emailOutbox.id });
    return renewed.length === emails.length;
  }

  /**
   * The messages of a request as the provider receives them, or why one cannot be prepared (for
   * good). A batch's invitations share one render (renderEmails).
   */
  async function prepare(emails: ClaimedEmail[]): Promise<(OutgoingEmail | { kind: "failed"; reason: string })[]> {
    const failed = (error: unknown) => ({
      kind: "failed" as const,
      reason: `The email could not be prepared: ${error instanceof Error ? error.message : String(error)}`,
    });
    const opened = emails.map((email): EmailToRender | { kind: "failed"; reason: string } => {
      try {
        if (!(templateNames as readonly string[]).includes(email.template))
          throw new Error(`unknown template ${email.template}`);
        const secret = email.secretCiphertext ? (JSON.parse(openSecret(email.secretCiphertext)) as unknown) : null;
        return { template: email.template, locale: email.locale, payload: email.payload, secret } as EmailToRender;
      } catch (error) {
        return failed(error);
      }
    });
    const toRender = opened.filter((o): o is EmailToRender => !("kind" in o));
    const rendered = await renderEmails(toRender);
    let next = 0;
    return opened.map((o, i) => {
      if ("kind" in o) return o;
      const result = rendered[next++]!;
      if (result instanceof Error) return failed(result);
      const email = emails[i]!;
      return { from, to: email.toAddress, ...result, idempotencyKey: email.idempotencyKey };
    });
  }

  async function attempt(outgoing: OutgoingEmail): Promise<SendOutcome> {
    try {
      return await options.transport.send(outgoing);
    } catch (error) {
      return { kind: "retry", reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async function attemptBatch(outgoing: OutgoingEmail[], batchKey: string): Promise<BatchOutcome> {
    try {
      return await options.transport.sendBatch!(outgoing, batchKey);
    } catch (error) {
      return { kind: "retry", reason: error instanceof Error ? error.message : String(error) };
    }
  }

  type Change = Partial<typeof emailOutbox.$inferInsert>;
  const released = { leasedBy: null, leaseExpiresAt: null };

  /** What a retryable or permanent failure makes of a message after `attempts` attempts. */
  function failureChange(
    attempts: number,
    outcome: { kind: "retry"; reason: string; retryAfterMs?: number } | { kind: "failed"; reason: string },
    at: Date,
  ): Change {
    if (outcome.kind === "failed" || attempts >= maxAttempts) {
      const reason =
        outcome.kind === "failed" ? outcome.reason : `${outcome.reason} (gave up after ${attempts} attempts)`;
      return { ...released, status: "failed", lastError: reason, secretCiphertext: null };
    }
    const backoff = Math.min(retryBaseMs * 2 ** (attempts - 1), maxRetryDelayMs);
    const delay = Math.max(backoff, outcome.retryAfterMs ?? 0);
    return {
      ...released,
      status: "retrying",
      lastError: outcome.reason,
      nextAttemptAt: new Date(at.getTime() + delay),
    };
  }

  /** Writes one change to messages still leased by this worker; the ids it reached. */
  async function apply(emails: ClaimedEmail[], change: Change): Promise<Set<string>> {
    const db = await database();
    // Only while the lease is still ours: a worker that took a message over decides its fate.
    const updated = await db
      .update(emailOutbox)
      .set(change)
      .where(stillLeased(emails))
      .returning({ id: emailOutbox.id });
    return new Set(updated.map((u) => u.id));
  }

  function logOutcome(email: ClaimedEmail, change: Change, reached: boolean, batchKey?: string) {
    const fields = {
      outboxId: email.id,
      template: email.template,
      attempts: email.attempts,
      worker: id,
      ...(batchKey ? { batchKey } : {}),
    };
    if (!reached) logger.warn("email outcome dropped: the lease passed to another worker", fields);
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

  async function record(email: ClaimedEmail, outcome: SendOutcome): Promise<void> {
    const at = now();
    const change: Change =
      outcome.kind === "sent"
        ? {
            ...released,
            status: "sent",
            providerMessageId: outcome.providerMessageId,
            sentAt: at,
            secretCiphertext: null,
          }
        : failureChange(email.attempts, outcome, at);
    // A message prepared apart from its batch leaves it: the batch goes on without it.
    if (outcome.kind !== "sent" && change.status === "failed") change.batchKey = null;
    const reached = await apply([email], change);
    logOutcome(email, change, reached.has(email.id));
  }

  /**
   * The answer to a batch, for each of its messages. Sent: each message gets its own provider
   * id, in order. Worth retrying: all of them keep the batch key and go again together. Refused
   * (nothing was sent): each leaves the batch and goes again on its own at once (an attempted
   * message is never grouped again), to get its own answer; a key already used with other
   * messages fails them, as sending them again could send them twice.
   */
  async function recordBatch(emails: ClaimedEmail[], batchKey: string, outcome: BatchOutcome): Promise<void> {
    const at = now();
    const attempts = emails[0]!.attempts;
    if (outcome.kind === "sent") {
      const db = await database();
      const values = sql.join(
        emails.map((e, i) => sql`(${e.id}::uuid, ${outcome.providerMessageIds[i]!})`),
        sql`, `,
      );
      const result = await db.execute(sql`
        update email_outbox o
           set status = 'sent', provider_message_id = v.provider_id, sent_at = ${at.toISOString()}::timestamptz,
               secret_ciphertext = null, leased_by = null, lease_expires_at = null
          from (values ${values}) as v(id, provider_id)
         where o.id = v.id and o.leased_by = ${id} and o.status = 'sending'
        returning o.id::text as id`);
      const reached = new Set(rowsOf<{ id: string }>(result).map((r) => r.id));
      logger.info("email batch sent", { batchKey, messages: emails.length, recorded: reached.size, worker: id });
      for (const email of emails) if (!reached.has(email.id)) logOutcome(email, { status: "sent" }, false, batchKey);
      return;
    }
    let change: Change;
    if (outcome.kind === "failed" && !outcome.keyConflict && attempts < maxAttempts) {
      change = {
        ...released,
        status: "retrying",
        lastError: outcome.reason,
        nextAttemptAt: at,
        batchKey: null,
      };
    } else {
      change = failureChange(attempts, outcome, at);
    }
    const reached = await apply(emails, change);
    logger.warn(
      change.status === "failed"
        ? "email batch failed"
        : outcome.kind === "failed"
          ? "email batch refused"
          : "email batch will be retried",
      { batchKey, messages: emails.length, recorded: reached.size, worker: id, reason: change.lastError },
    );
    for (const email of emails) if (!reached.has(email.id)) logOutcome(email, change, false, batchKey);
  }

  let running = false;
  let stopping = false;
  let loop: Promise<void> | undefined;

  /** Prepares, waits for its moment, and makes one request of a claim. */
  async function deliver(request: ClaimedRequest): Promise<void> {
    const ready: { email: ClaimedEmail; outgoing: OutgoingEmail }[] = [];
    const prepared = await prepare(request.emails);
    for (const [i, email] of request.emails.entries()) {
      const outgoing = prepared[i]!;
      if ("kind" in outgoing) await record(email, outgoing);
      else ready.push({ email, outgoing });
    }
    if (ready.length === 0) return;
    const emails = ready.map((r) => r.email);
    if (!(await renew(emails))) {
      logger.warn("email skipped: the lease passed to another worker before sending", {
        outboxIds: emails.map((e) => e.id),
        worker: id,
      });
      return;
    }
    // The request's turn under the rate limit (the lease, just renewed, outlasts the wait). One
    // missed by more than the guard (messages still rendering, or a busy machine waking the
    // timer late) takes another: late, it would come too close to the requests after it.
    for (let retakes = 0; ; retakes++) {
      const late = Date.now() - request.notBefore;
      if (ratePerSecond !== null && late > RATE_GUARD_SECONDS * 1000 && retakes < MAX_RETAKES) {
        request.notBefore = await retakeTurn();
        logger.info("email request missed its turn and took another", {
          worker: id,
          missedByMs: late,
          waitMs: Math.max(0, request.notBefore - Date.now()),
        });
      }
      const wait = request.notBefore - Date.now();
      if (wait > 0) await sleep(wait);
      if (ratePerSecond === null || Date.now() - request.notBefore <= RATE_GUARD_SECONDS * 1000) break;
      if (retakes >= MAX_RETAKES) break;
    }
    if (request.batchKey) {
      await recordBatch(
        emails,
        request.batchKey,
        await attemptBatch(
          ready.map((r) => r.outgoing),
          request.batchKey,
        ),
      );
    } else {
      for (const { email, outgoing } of ready) await record(email, await attempt(outgoing));
    }
  }

  async function runOnce(): Promise<number> {
    const claimed = await claimRequests();
    for (const request of claimed) {
      try {
        await deliver(request);
      } catch (error) {
        // The lease lapses and another attempt (same idempotency key) settles it.
        logger.error("email outcome could not be recorded", { outboxIds: request.emails.map((e) => e.id), error });
      }
    }
    return claimed.reduce((sum, r) => sum + r.emails.length, 0);
  }

  async function drain(): Promise<number> {
    let total = 0;
    while (!stopping) {
      const handled = await runOnce();
      if (handled === 0) {
        // Messages are due but the provider's rate is spent for now: wait for the next request's turn.
        if (waitMs === undefined) break;
        await sleep(Math.min(waitMs, 5_000));
        continue;
      }
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
      if (Object.values(pruned).some((n) => n > 0))
        // Named apart from the logger's secret patterns ("password"), which would blank the count.
        logger.info("expired rows pruned", {
          worker: id,
          rateLimits: pruned.rateLimits,
          idempotencyRecords: pruned.idempotencyRecords,
          spentSheets: pruned.spentPasswordSheets,
          spentChallenges: pruned.spentChallenges,
          slugRedirects: pruned.slugRedirects,
          invitationsExpired: pruned.expiredInvitations,
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
        maxBatchSize: env.EMAIL_BATCH_SIZE,
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
