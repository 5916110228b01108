import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";

// Sessions are opened only after the domain has verified who the person is (password, first
// run, accepted invitation). The domain hands next-auth a short-lived grant signed with
// AUTH_SECRET; the Credentials provider accepts nothing else.
const LIFETIME_MS = 60_000;

function sign(payload: string): string {
  return createHmac("sha256", env.AUTH_SECRET).update(`signin-grant:${payload}`).digest("base64url");
}

export function createSignInGrant(accountId: string, sessionVersion: number): string {
  const payload = `${accountId}.${sessionVersion}.${Date.now() + LIFETIME_MS}`;
  return `${payload}.${sign(payload)}`;
}

export function verifySignInGrant(grant: unknown): { accountId: string; sessionVersion: number } | null {
  if (typeof grant !== "string") return null;
  const parts = grant.split(".");
  if (parts.length !== 4) return null;
  const [accountId, version, expires, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(`${accountId}.${version}.${expires}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (Number(expires) < Date.now()) return null;
  return { accountId, sessionVersion: Number(version) };
}
