import "server-only";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { env } from "@/lib/env";

/** The session cookie; next-auth salts the token's encryption key with this name. */
export const SESSION_COOKIE = "gatehouse.session";

export type SessionToken = { accountId: string; sessionVersion: number };

/** The claims of this request's session cookie (see `decodeSessionToken`). */
export async function readSessionToken(): Promise<SessionToken | null> {
  return decodeSessionToken((await cookies()).get(SESSION_COOKIE)?.value);
}

/**
 * The claims of a session cookie's value — decrypted and checked (integrity, expiry) with
 * next-auth's own `decode` — or null when it is absent, forged or expired. Pages and actions
 * read the session this way instead of `auth()`, which runs the whole next-auth request
 * handler (CSRF token, callbacks, a re-encrypted cookie that a server component cannot set
 * anyway) on every render. Whether the session is still valid (account active, session
 * version current) is the caller's check against the database.
 */
export async function decodeSessionToken(token: string | undefined): Promise<SessionToken | null> {
  if (!token) return null;
  try {
    const claims = await decode({ token, secret: env.AUTH_SECRET, salt: SESSION_COOKIE });
    if (typeof claims?.sub !== "string" || !claims.sub || typeof claims.sv !== "number") return null;
    return { accountId: claims.sub, sessionVersion: claims.sv };
  } catch {
    return null;
  }
}
