import "server-only";
import { eq, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { rateLimits } from "@/db/schema";

export type RateLimitRule = { limit: number; windowSeconds: number };
/**
 * A counter after an attempt was counted: `allowed` while the new count is within the limit;
 * `limited` is its opposite (kept for callers that read it).
 */
export type RateLimitState = { hits: number; allowed: boolean; limited: boolean; retryAfterSeconds: number };

/** One key and the rule it counts under. */
export type RateLimitCheck = readonly [key: string, rule: RateLimitRule];

/** A counted key: what `countAttempt` returns per key it incremented. */
export type RateLimitCount = RateLimitState & { key: string; rule: RateLimitRule; windowStartedAt: Date };

export type AttemptCount = {
  /** Every key was within its limit: the caller may do the work. */
  allowed: boolean;
  /** The keys incremented, in order; counting stops at the first key that refuses. */
  counted: RateLimitCount[];
  /** The key that refused, or null. */
  refused: RateLimitCount | null;
};

/**
 * The state of a counter as it stands (read without counting, for display): a window that has
 * run out by `now` counts nothing.
 */
export function rateLimitState(
  hits: number,
  windowStartedAt: Date,
  rule: RateLimitRule,
  now = Date.now(),
): RateLimitState {
  const resetsAt = windowStartedAt.getTime() + rule.windowSeconds * 1000;
  if (resetsAt <= now) return { hits: 0, allowed: true, limited: false, retryAfterSeconds: 0 };
  return countedState(hits, windowStartedAt, rule, now);
}

/**
 * The decision on a counter that `rateLimitHitSql` has just incremented: within the limit or not,
 * by its count alone. The window is the database's, current when the statement ran; this
 * process's clock only says how long to wait, so an attempt counted in the last moment of a
 * window is never let through because the window ended before the answer came back.
 */
export function countedState(
  hits: number,
  windowStartedAt: Date,
  rule: RateLimitRule,
  now = Date.now(),
): RateLimitState {
  const resetsAt = windowStartedAt.getTime() + rule.windowSeconds * 1000;
  const allowed = hits <= rule.limit;
  return { hits, allowed, limited: !allowed, retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - now) / 1000)) };
}

/**
 * The part of a client address that its rate-limit keys count by: an IPv4 address, or the /64
 * network of an IPv6 address (one host is usually given a whole /64, so counting single IPv6
 * addresses would give it billions of allowances). "unknown" when there is no address.
 */
export function clientKey(ip: string | null): string {
  if (ip === null) return "unknown";
  if (!ip.includes(":")) return ip;
  const [address = ""] = ip.split("%");
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // Only the first four groups are kept, so a zone id or an embedded IPv4 part at the end does not matter.
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(":")}::/64`;
}

/**
 * The atomic upsert that counts one event against a fixed window, as SQL that can also stand as
 * a data-modifying CTE of a larger statement. It counts only when `when` holds (a condition
 * evaluated in the same statement, e.g. that the caller is still allowed); otherwise it writes
 * nothing and returns no row. `cost` is how many events the attempt stands for (a lookup of
 * several addresses). Returns `hits` and `window_started_at` after counting; `countedState`
 * decides on them. A new or restarted window sets `expires_at`, so that rows past it can be
 * pruned.
 */
export function rateLimitHitSql(key: string, rule: RateLimitRule, when: SQL = sql`true`, cost = 1): SQL {
  const windowLength = sql`make_interval(secs => ${rule.windowSeconds})`;
  const expired = sql`rate_limits.window_started_at <= now() - ${windowLength}`;
  const weight = sql`${Math.max(1, Math.trunc(cost))}::int`;
  return sql`insert into rate_limits (key, window_started_at, hits, expires_at)
    select ${key}, now(), ${weight}, now() + ${windowLength} where ${when}
    on conflict (key) do update set
      hits = case when ${expired} then ${weight} else rate_limits.hits + ${weight} end,
      window_started_at = case when ${expired} then now() else rate_limits.window_started_at end,
      expires_at = case when ${expired} then now() + ${windowLength} else rate_limits.expires_at end
    returning hits, window_started_at`;
}

/**
 * Counts one attempt against each key, in order, in one statement, before the caller does any
 * work: the increment and the decision are the same atomic upsert, so parallel attempts queue on
 * the counter's row and no more than the limit get through. A key is counted only when every key
 * before it allowed the attempt, so attempts refused by one limit do not use up the next.
 */
export async function countAttempt(db: Executor, checks: readonly RateLimitCheck[]): Promise<AttemptCount> {
  if (!checks.length) return { allowed: true, counted: [], refused: null };
  const ctes = checks.map(([key, rule], i) => {
    const when =
      i === 0
        ? sql`true`
        : sql`exists (select 1 from ${sql.raw(`c${i - 1}`)} where hits <= ${checks[i - 1]![1].limit})`;
    return sql`${sql.raw(`c${i}`)} as (${rateLimitHitSql(key, rule, when)})`;
  });
  const selects = checks.map((_, i) => sql`select ${i}::int as i, hits, window_started_at from ${sql.raw(`c${i}`)}`);
  const rows = rowsOf<{ i: number; hits: number; window_started_at: string | Date }>(
    await db.execute(sql`with ${sql.join(ctes, sql`, `)} ${sql.join(selects, sql` union all `)}`),
  );
  const now = Date.now();
  const counted = rows
    .sort((a, b) => Number(a.i) - Number(b.i))
    .map((row) => {
      const [key, rule] = checks[Number(row.i)]!;
      const windowStartedAt = new Date(row.window_started_at);
      return { key, rule, windowStartedAt, ...countedState(Number(row.hits), windowStartedAt, rule, now) };
    });
  if (!counted.length) throw new Error("the rate limit upsert returned no row");
  const refused = counted.find((c) => !c.allowed) ?? null;
  return { allowed: !refused, counted, refused };
}

/**
 * Gives back what a successful attempt counted, so that legitimate use is not throttled; a
 * counter back at zero is deleted. Only a count of the same window is given back: a window that
 * restarted since owes nothing. One transaction, one counter at a time in the order they were
 * counted: `countAttempt` locks the rows in that order, and a single statement over all of them
 * would lock them in the table's physical order instead, so that a give-back and a parallel count
 * could each hold the row the other waits for (a deadlock, which PostgreSQL resolves by failing
 * one of them).
 */
export async function giveBackAttempt(db: Executor, counted: readonly RateLimitCount[]): Promise<void> {
  if (!counted.length) return;
  await db.transaction(async (tx) => {
    for (const c of counted) {
      // The window start came back as a Date (milliseconds); the column keeps microseconds.
      const sameWindow = sql`key = ${c.key} and date_trunc('milliseconds', window_started_at) = ${c.windowStartedAt.toISOString()}::timestamptz`;
      await tx.execute(sql`
        with emptied as (delete from rate_limits where ${sameWindow} and hits <= 1)
        update rate_limits set hits = hits - 1 where ${sameWindow} and hits > 1`);
    }
  });
}

/**
 * The current state of a key without counting, for display only (e.g. how long a page must
 * wait): `limited` when the next attempt would be refused. Never a gate before work: that is
 * `countAttempt`.
 */
export async function peekRateLimit(db: Executor, key: string, rule: RateLimitRule): Promise<RateLimitState> {
  const [row] = await db
    .select({ hits: rateLimits.hits, windowStartedAt: rateLimits.windowStartedAt })
    .from(rateLimits)
    .where(eq(rateLimits.key, key));
  if (!row) return { hits: 0, allowed: true, limited: false, retryAfterSeconds: 0 };
  const state = rateLimitState(row.hits, row.windowStartedAt, rule);
  const limited = state.hits >= rule.limit;
  return { ...state, allowed: !limited, limited };
}

export async function resetRateLimit(db: Executor, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

export function minutesUntil(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}
