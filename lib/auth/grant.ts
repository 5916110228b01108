import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import type { SessionToken } from "./session-token";

// Sessions are opened only after the domain has verified who the person is (password, first
// run, accepted invitation) and recorded the session's row. The domain hands next-auth a
// short-lived grant signed with AUTH_SECRET; the Credentials provider accepts nothing else.
const LIFETIME_MS = 60_000;

function sign(payload: string): string {
  return createHmac("sha256", env.AUTH_SECRET).update(`signin-grant:${payload}`).digest("base64url");
}

export function createSignInGrant({ accountId, sessionVersion, sessionId }: SessionToken): string {
  const payload = `${accountId}.${sessionVersion}.${sessionId}.${Date.now() + LIFETIME_MS}`;
  return `${payload}.${sign(payload)}`;
}

export function verifySignInGrant(grant: unknown): SessionToken | null {
  if (typeof grant !== "string") return null;
  const parts = grant.split(".");
  if (parts.length !== 5) return null;
  const [accountId, version, sessionId, expires, signature] = parts as [string, string, string, string, string];
  const expected = Buffer.from(sign(`${accountId}.${version}.${sessionId}.${expires}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (Number(expires) < Date.now()) return null;
  return { accountId, sessionVersion: Number(version), sessionId };
}
