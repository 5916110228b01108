import "server-only";
import { createHash } from "node:crypto";
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
  const key = createHash("sha256").update(token).digest("base64url");
  const known = decoded.get(key);
  if (known) {
    if (known.expiresAt > Date.now()) return known.session;
    decoded.delete(key);
  }
  try {
    const claims = await decode({ token, secret: env.AUTH_SECRET, salt: SESSION_COOKIE });
    if (typeof claims?.sub !== "string" || !claims.sub || typeof claims.sv !== "number") return null;
    const session = { accountId: claims.sub, sessionVersion: claims.sv };
    if (typeof claims.exp === "number") remember(key, session, claims.exp * 1000);
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
