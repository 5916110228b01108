import "server-only";
import { hkdfSync } from "node:crypto";
import { openSecret, sealSecret } from "@/lib/email/secret-box";
import { env } from "@/lib/env";

// A WebAuthn ceremony spans two requests. Its challenge travels to the browser and back sealed
// (AES-256-GCM), so the server keeps no row for it, and the browser can neither read nor alter
// it: a state is for one purpose, one account (or, for a passkey-only sign-in, none) and five
// minutes.

export type ChallengePurpose = "passkey-registration" | "passkey-authentication";

export const CHALLENGE_LIFETIME_MS = 5 * 60 * 1000;

export type ChallengeState = {
  purpose: ChallengePurpose;
  accountId: string | null;
  challenge: string;
  expiresAt: number;
};

let key: Buffer | undefined;

// Its own key, derived from the outbox key, so that no outbox ciphertext opens as a state.
function stateKey(): Buffer {
  key ??= Buffer.from(hkdfSync("sha256", env.OUTBOX_ENCRYPTION_KEY, "", "gatehouse webauthn challenge", 32));
  return key;
}

/** Seals a challenge for the browser to hand back with its response. */
export function sealChallenge(
  purpose: ChallengePurpose,
  accountId: string | null,
  challenge: string,
  now = Date.now(),
): string {
  const state: ChallengeState = { purpose, accountId, challenge, expiresAt: now + CHALLENGE_LIFETIME_MS };
  return sealSecret(JSON.stringify(state), stateKey());
}

/** The state a sealed string holds, if it is intact, of this purpose and unexpired; null otherwise. */
export function openChallenge(sealed: string, purpose: ChallengePurpose, now = Date.now()): ChallengeState | null {
  let state: Partial<ChallengeState>;
  try {
    state = JSON.parse(openSecret(sealed, stateKey()));
  } catch {
    return null;
  }
  if (state.purpose !== purpose || typeof state.challenge !== "string" || typeof state.expiresAt !== "number")
    return null;
  if (state.expiresAt <= now) return null;
  const accountId = typeof state.accountId === "string" ? state.accountId : null;
  return { purpose, accountId, challenge: state.challenge, expiresAt: state.expiresAt };
}
