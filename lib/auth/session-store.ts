import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { sessions } from "@/db/schema";
import { recordAccountAudit, type PasswordOwner } from "./new-password";
import type { RequestMeta } from "./request-meta";
import { SESSION_MAX_AGE_SECONDS, type SessionToken } from "./session-token";

// The rows behind session cookies. A cookie is accepted only while its row exists, is not
// revoked and has not expired (checked in lib/auth/current.ts with the account), so revoking a
// row ends that session at its next request, whoever holds a copy of the cookie.

/** Records a session for an account the caller has just verified; returns the id its token carries. */
export async function createSessionRecord(accountId: string, meta: RequestMeta): Promise<string> {
  const db = await getDb();
  const [row] = await db
    .insert(sessions)
    .values({
      accountId,
      expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000),
      ip: meta.ip,
      userAgent: meta.userAgent,
    })
    .returning({ id: sessions.id });
  if (!row) throw new Error("session insert returned no row");
  return row.id;
}

/** Revokes the session a token names, only if it belongs to the token's account. Idempotent. */
export async function revokeSession(token: SessionToken): Promise<void> {
  const db = await getDb();
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.id, token.sessionId), eq(sessions.accountId, token.accountId), isNull(sessions.revokedAt)));
}

/**
 * For the signed-in account itself ("Sign out everywhere"): revokes every live session of the
 * account, this one included, and records it in the audit of the account's organizations.
 * Returns how many sessions were revoked.
 */
export async function revokeAllSessions(account: PasswordOwner, meta: RequestMeta): Promise<number> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const revoked = await tx
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(sessions.accountId, account.id), isNull(sessions.revokedAt), sql`${sessions.expiresAt} > now()`))
      .returning({ id: sessions.id });
    await recordAccountAudit(tx, account, "account.signed_out_everywhere", meta, { sessionsEnded: revoked.length });
    return revoked.length;
  });
}
