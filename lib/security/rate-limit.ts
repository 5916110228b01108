import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { rateLimits } from "@/db/schema";

export type RateLimitRule = { limit: number; windowSeconds: number };
export type RateLimitState = { hits: number; limited: boolean; retryAfterSeconds: number };

function state(hits: number, windowStartedAt: Date, rule: RateLimitRule, now = Date.now()): RateLimitState {
  const resetsAt = windowStartedAt.getTime() + rule.windowSeconds * 1000;
  if (resetsAt <= now) return { hits: 0, limited: false, retryAfterSeconds: 0 };
  return { hits, limited: hits >= rule.limit, retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - now) / 1000)) };
}

/**
 * Counts one event against a fixed window shared by every app instance (one atomic upsert).
 * Returns the state after counting: `limited` once the limit is reached.
 */
export async function hitRateLimit(db: Executor, key: string, rule: RateLimitRule): Promise<RateLimitState> {
  const expired = sql`${rateLimits.windowStartedAt} <= now() - make_interval(secs => ${rule.windowSeconds})`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStartedAt: sql`now()`, hits: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        hits: sql`case when ${expired} then 1 else ${rateLimits.hits} + 1 end`,
        windowStartedAt: sql`case when ${expired} then now() else ${rateLimits.windowStartedAt} end`,
      },
    })
    .returning({ hits: rateLimits.hits, windowStartedAt: rateLimits.windowStartedAt });
  if (!row) throw new Error("rate limit upsert returned no row");
  return state(row.hits, row.windowStartedAt, rule);
}

/** The current state of a key, without counting. */
export async function peekRateLimit(db: Executor, key: string, rule: RateLimitRule): Promise<RateLimitState> {
  const [row] = await db
    .select({ hits: rateLimits.hits, windowStartedAt: rateLimits.windowStartedAt })
    .from(rateLimits)
    .where(eq(rateLimits.key, key));
  return row ? state(row.hits, row.windowStartedAt, rule) : { hits: 0, limited: false, retryAfterSeconds: 0 };
}

export async function resetRateLimit(db: Executor, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

export function minutesUntil(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}
