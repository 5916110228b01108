import "server-only";
import { hkdfSync, randomUUID } from "node:crypto";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { eq, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { accounts } from "@/db/schema";
import { openSecret, sealSecret } from "@/lib/email/secret-box";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import {
  clientKey,
  countAttempt,
  giveBackAttempt,
  minutesUntil,
  peekRateLimit,
  resetRateLimit,
  type RateLimitCheck,
  type RateLimitRule,
} from "@/lib/security/rate-limit";
import { safeReturnPath } from "@/lib/security/redirects";
import { hasTwoStep, redeemRecoveryCode, verifyPasskeyAuthentication, verifyTotpCode } from "@/lib/two-step";
import type { Authenticated } from "./authenticate";
import type { RequestMeta } from "./request-meta";

// Between a correct password and the session there is no session: the browser holds a sealed
// state (AES-256-GCM, its own key) naming the account, its session version, a nonce, the return
// target and an expiry five minutes on. It proves the password step only; a session is started
// only once a factor verifies with it, and its nonce is then spent, so a state cannot be used twice.

export const SECOND_STEP_LIFETIME_MS = 5 * 60 * 1000;

/** Like the password's: a pair (account, address) locks after a few failures; the wider keys stop spreading. */
export const SECOND_STEP_LIMITS = {
  perIp: { limit: 30, windowSeconds: 15 * 60 },
  perAccountAndIp: { limit: 5, windowSeconds: 15 * 60 },
  perAccount: { limit: 20, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimitRule>;

/** A passkey alone is a whole sign-in: limited per address, like the password's address-wide count. */
const PASSKEY_SIGN_IN_LIMITS = {
  perIp: { limit: 30, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimitRule>;

// Outlives any state, so that a spent nonce is remembered for as long as its state could be shown.
const SPENT_RULE: RateLimitRule = { limit: 1, windowSeconds: (2 * SECOND_STEP_LIFETIME_MS) / 1000 };

const secondStepRateLimitKeys = {
  ip: (ip: string | null) => `two-step:ip:${clientKey(ip)}`,
  accountAndIp: (accountId: string, ip: string | null) => `two-step:account-ip:${accountId}|${clientKey(ip)}`,
  account: (accountId: string) => `two-step:account:${accountId}`,
  spent: (nonce: string) => `two-step:spent:${nonce}`,
  challenge: (challenge: string) => `passkey:challenge:${challenge}`,
  passkeyIp: (ip: string | null) => `passkey-signin:ip:${clientKey(ip)}`,
};

/** What a sealed second-step state holds. */
export type PendingSignIn = {
  accountId: string;
  sessionVersion: number;
  nonce: string;
  returnTo: string;
  expiresAt: number;
};

const PURPOSE = "sign-in second step";
let key: Buffer | undefined;

// Derived from the outbox key with its own label: no other sealed value opens as a state.
function stateKey(): Buffer {
  key ??= Buffer.from(hkdfSync("sha256", env.OUTBOX_ENCRYPTION_KEY, "", `gatehouse ${PURPOSE}`, 32));
  return key;
}

/** Seals the state of a password step that needs a second one. */
export function sealPendingSignIn(done: Authenticated, returnTo: string, now = Date.now()): string {
  const state: PendingSignIn & { purpose: string } = {
    purpose: PURPOSE,
    accountId: done.accountId,
    sessionVersion: done.sessionVersion,
    nonce: randomUUID(),
    returnTo: safeReturnPath(returnTo),
    expiresAt: now + SECOND_STEP_LIFETIME_MS,
  };
  return sealSecret(JSON.stringify(state), stateKey());
}

/** The state a sealed string holds if it is intact, of this purpose and unexpired; null otherwise. */
export function openPendingSignIn(sealed: string | undefined, now = Date.now()): PendingSignIn | null {
  if (!sealed || sealed.length > 2048) return null;
  let state: Partial<PendingSignIn> & { purpose?: unknown };
  try {
    state = JSON.parse(openSecret(sealed, stateKey()));
  } catch {
    return null;
  }
  const { accountId, sessionVersion, nonce, returnTo, expiresAt } = state;
  if (state.purpose !== PURPOSE || typeof accountId !== "string" || typeof nonce !== "string") return null;
  if (typeof sessionVersion !== "number" || typeof expiresAt !== "number" || expiresAt <= now) return null;
  return { accountId, sessionVersion, nonce, returnTo: safeReturnPath(returnTo), expiresAt };
}

/**
 * After a correct password (`authenticateWithPassword`): the sealed second-step state when the
 * account has a confirmed factor, or null when its password alone signs it in. A temporary
 * password never needs one (its account has had no chance to enroll).
 */
export async function secondStepAfterPassword(done: Authenticated, returnTo: string): Promise<string | null> {
  if (done.passwordIsTemporary || !(await hasTwoStep(done.accountId))) return null;
  return sealPendingSignIn(done, returnTo);
}

export type SecondStepProof =
  | { method: "totp"; code: string }
  | { method: "recovery"; code: string }
  | { method: "passkey"; response: AuthenticationResponseJSON; state: string };

const expired = () => new DomainError("auth.secondStepExpired", { status: 400 });

async function signInAccount(db: Database, accountId: string) {
  const [account] = await db
    .select({ sessionVersion: accounts.sessionVersion, passwordIsTemporary: accounts.passwordIsTemporary })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return account;
}

/** The challenge a browser's passkey response signed (checked against its sealed state by the verification). */
function signedChallenge(response: AuthenticationResponseJSON): string | null {
  try {
    const clientData: unknown = JSON.parse(Buffer.from(response.response.clientDataJSON, "base64url").toString("utf8"));
    const challenge = (clientData as { challenge?: unknown }).challenge;
    return typeof challenge === "string" && challenge.length <= 128 ? challenge : null;
  } catch {
    return null;
  }
}

/**
 * A passkey assertion proves its account once: its challenge is spent after it verifies. Passkeys
 * that keep no signature counter would otherwise let a copied response and its sealed state sign
 * in again for as long as the state lives.
 */
async function spendChallenge(db: Database, response: AuthenticationResponseJSON): Promise<boolean> {
  const challenge = signedChallenge(response);
  if (!challenge) return false;
  const spent = await countAttempt(db, [[secondStepRateLimitKeys.challenge(challenge), SPENT_RULE]]);
  return spent.allowed;
}

async function proves(pending: PendingSignIn, proof: SecondStepProof, meta: RequestMeta): Promise<boolean> {
  switch (proof.method) {
    case "totp":
      return verifyTotpCode(pending.accountId, proof.code);
    case "recovery":
      return (await redeemRecoveryCode(pending.accountId, proof.code, meta)) !== null;
    case "passkey": {
      const proved = await verifyPasskeyAuthentication(proof.response, proof.state);
      return proved?.accountId === pending.accountId && (await spendChallenge(await getDb(), proof.response));
    }
  }
}

/**
 * For the sign-in's second step, with the sealed state its browser holds: counts the attempt
 * first (per address, per account and address, per account), then checks the proof against the
 * state's account, then spends the state's nonce. Returns whom to start a session for and where
 * to go; a state that is forged, expired, already used, or older than a password change is
 * refused, and so is a wrong proof (a field error on `code`).
 */
export async function completeSecondStep(
  sealed: string | undefined,
  proof: SecondStepProof,
  meta: RequestMeta,
): Promise<{ accountId: string; sessionVersion: number; returnTo: string }> {
  const pending = openPendingSignIn(sealed);
  if (!pending) throw expired();
  const db = await getDb();
  const checks: RateLimitCheck[] = [
    [secondStepRateLimitKeys.ip(meta.ip), SECOND_STEP_LIMITS.perIp],
    [secondStepRateLimitKeys.accountAndIp(pending.accountId, meta.ip), SECOND_STEP_LIMITS.perAccountAndIp],
    [secondStepRateLimitKeys.account(pending.accountId), SECOND_STEP_LIMITS.perAccount],
  ];
  const attempt = await countAttempt(db, checks);
  if (attempt.refused) {
    throw new DomainError("auth.secondStepRateLimited", {
      status: 429,
      params: { minutes: minutesUntil(attempt.refused.retryAfterSeconds) },
    });
  }

  // A state already used, or one whose account changed its password or ended its sessions since, does
  // no work: a recovery code or a code's time step is not spent on it.
  const spentKey = secondStepRateLimitKeys.spent(pending.nonce);
  if ((await peekRateLimit(db, spentKey, SPENT_RULE)).limited) throw expired();
  const account = await signInAccount(db, pending.accountId);
  if (!account || account.sessionVersion !== pending.sessionVersion) throw expired();
  if (account.passwordIsTemporary) throw expired();

  if (!(await proves(pending, proof, meta))) {
    throw new DomainError("auth.secondStepCodeInvalid", proof.method === "passkey" ? {} : { field: "code" });
  }

  // Two proofs sent at once with one state (a code and a recovery code): one spends the nonce.
  const spent = await countAttempt(db, [[spentKey, SPENT_RULE]]);
  if (spent.refused) throw expired();

  await resetRateLimit(db, secondStepRateLimitKeys.accountAndIp(pending.accountId, meta.ip));
  await giveBackAttempt(
    db,
    attempt.counted.filter((c) => c.rule !== SECOND_STEP_LIMITS.perAccountAndIp),
  );
  return { accountId: pending.accountId, sessionVersion: account.sessionVersion, returnTo: pending.returnTo };
}

/**
 * For "Sign in with a passkey" on the sign-in page: counts the attempt per address first, then
 * verifies the assertion of a discoverable credential (user verification required) against its
 * sealed challenge. Returns the account it proves, which must be active and not on a temporary
 * password; any failure is one generic refusal.
 */
export async function authenticateWithPasskey(
  response: AuthenticationResponseJSON,
  state: string,
  meta: RequestMeta,
): Promise<Authenticated> {
  const db = await getDb();
  const attempt = await countAttempt(db, [[secondStepRateLimitKeys.passkeyIp(meta.ip), PASSKEY_SIGN_IN_LIMITS.perIp]]);
  if (attempt.refused) {
    throw new DomainError("signInRateLimited", {
      status: 429,
      params: { minutes: minutesUntil(attempt.refused.retryAfterSeconds) },
    });
  }
  const proved = await verifyPasskeyAuthentication(response, state);
  const account =
    proved && (await spendChallenge(db, response)) ? await signInAccount(db, proved.accountId) : undefined;
  if (!proved || !account || account.passwordIsTemporary) {
    throw new DomainError("auth.passkeySignInFailed", { status: 400 });
  }
  await giveBackAttempt(db, attempt.counted);
  await db
    .update(accounts)
    .set({ lastSignInAt: sql`now()` })
    .where(eq(accounts.id, proved.accountId));
  return { accountId: proved.accountId, sessionVersion: account.sessionVersion, passwordIsTemporary: false };
}
