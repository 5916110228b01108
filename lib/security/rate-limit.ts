import "server-only";
import { eq, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { rateLimits } from "@/db/schema";

export type RateLimitRule = { limit: number; windowSeconds: number };
export type RateLimitState = { hits: number; limited: boolean; retryAfterSeconds: number };

/** The state of a counter read from the database (`hits`, `window_started_at`) under a rule. */
export function rateLimitState(
  hits: number,
  windowStartedAt: Date,
  rule: RateLimitRule,
  now = Date.now(),
): RateLimitState {
  const resetsAt = windowStartedAt.getTime() + rule.windowSeconds * 1000;
  if (resetsAt <= now) return { hits: 0, limited: false, retryAfterSeconds: 0 };
  return { hits, limited: hits >= rule.limit, retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - now) / 1000)) };
}

/**
 * The atomic upsert that counts one event against a fixed window, as SQL that can also stand as
 * a data-modifying CTE of a larger statement. It counts only when `when` holds (a condition
 * evaluated in the same statement, e.g. that the caller is still allowed); otherwise it writes
 * nothing and returns no row. Returns `hits` and `window_started_at` after counting.
 */
export function rateLimitHitSql(key: string, rule: RateLimitRule, when: SQL = sql`true`): SQL {
  const expired = sql`rate_limits.window_started_at <= now() - make_interval(secs => ${rule.windowSeconds})`;
  return sql`insert into rate_limits (key, window_started_at, hits)
    select ${key}, now(), 1 where ${when}
    on conflict (key) do update set
      hits = case when ${expired} then 1 else rate_limits.hits + 1 end,
      window_started_at = case when ${expired} then now() else rate_limits.window_started_at end
    returning hits, window_started_at`;
}

/**
 * Counts one event against a fixed window shared by every app instance (one atomic upsert).
 * Returns the state after counting: `limited` once the limit is reached.
 */
export async function hitRateLimit(db: Executor, key: string, rule: RateLimitRule): Promise<RateLimitState> {
  const [row] = rowsOf<{ hits: number; window_started_at: string | Date }>(
    await db.execute(rateLimitHitSql(key, rule)),
  );
  if (!row) throw new Error("rate limit upsert returned no row");
  return rateLimitState(Number(row.hits), new Date(row.window_started_at), rule);
}

/** The current state of a key, without counting. */
export async function peekRateLimit(db: Executor, key: string, rule: RateLimitRule): Promise<RateLimitState> {
  const [row] = await db
    .select({ hits: rateLimits.hits, windowStartedAt: rateLimits.windowStartedAt })
    .from(rateLimits)
    .where(eq(rateLimits.key, key));
  return row ? rateLimitState(row.hits, row.windowStartedAt, rule) : { hits: 0, limited: false, retryAfterSeconds: 0 };
}

export async function resetRateLimit(db: Executor, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

export function minutesUntil(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}
