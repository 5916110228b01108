import "server-only";
import { createHash } from "node:crypto";
import type { User } from "next-auth";
import { decode, type JWT } from "next-auth/jwt";
import { cookies } from "next/headers";
import { env } from "@/lib/env";

/** The session cookie; next-auth salts the token's encryption key with this name. */
export const SESSION_COOKIE = "gatehouse.session";

/** How long a session lasts: the token's max age, and the expiry of its row in `sessions`. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/**
 * What a session cookie names: the account, the account's session version when it was issued
 * (a password change ends older ones), and the `sessions` row that signing out revokes.
 */
export type SessionToken = { accountId: string; sessionVersion: number; sessionId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The claims of this request's session cookie (see `decodeSessionToken`). */
export async function readSessionToken(): Promise<SessionToken | null> {
  return decodeSessionToken((await cookies()).get(SESSION_COOKIE)?.value);
}

/**
 * next-auth's `jwt` callback: the claims a session cookie carries, set once when the session
 * opens from the user the grant named (account, session version, session row), and read back by
 * `decodeSessionToken`. Later calls have no user and keep the claims as they are.
 */
export function sessionClaims({ token, user }: { token: JWT; user?: User }): JWT {
  if (user) {
    token.sub = user.id;
    token.sv = user.sessionVersion;
    token.sid = user.sessionId;
  }
  return token;
}

/** The session that decoded claims name, or null when one is missing or malformed. */
export function sessionOf(claims: JWT | null): SessionToken | null {
  if (typeof claims?.sub !== "string" || !claims.sub || typeof claims.sv !== "number") return null;
  if (typeof claims.sid !== "string" || !UUID.test(claims.sid)) return null;
  return { accountId: claims.sub, sessionVersion: claims.sv, sessionId: claims.sid };
}

/**
 * The claims of a session cookie's value — decrypted and checked (integrity, expiry) with
 * next-auth's own `decode` — or null when it is absent, forged or expired. Pages and actions
 * read the session this way instead of `auth()`, which runs the whole next-auth request
 * handler (CSRF token, callbacks, a re-encrypted cookie that a server component cannot set
 * anyway) on every render. Whether the session is still valid (row not revoked nor expired,
 * account active, session version current) is the caller's check against the database. A token
 * without a session id predates server-side sessions and could not be revoked: it is refused.
 */
export async function decodeSessionToken(token: string | undefined): Promise<SessionToken | null> {
  if (!token) return null;
  const key = createHash("sha256").update(token).digest("base64url");
  const known = decoded.get(key);
  if (known) {
    if (known.expiresAt > Date.now()) return known.session;
    decoded.delete(key);
  }
  try {
    const claims = await decode({ token, secret: env.AUTH_SECRET, salt: SESSION_COOKIE });
    const session = sessionOf(claims);
    if (!session) return null;
    if (typeof claims?.exp === "number") remember(key, session, claims.exp * 1000);
    return session;
  } catch {
    return null;
  }
}

/**
 * Tokens already decrypted by this process, by digest (the token itself is not kept), until
 * they expire: the same cookie arrives with each of a browser's requests, and decrypting it
 * (key derivation, AES-CBC, HMAC) is a visible part of a page's server time. Only a successful
 * decode is remembered; the claims of a token cannot change, and revocation is the caller's
 * database check, which runs on every request either way.
 */
const decoded = new Map<string, { session: SessionToken; expiresAt: number }>();
const DECODED_MAX = 10_000;

function remember(key: string, session: SessionToken, expiresAt: number) {
  if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value!);
  decoded.set(key, { session, expiresAt });
}
