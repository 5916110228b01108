import "server-only";
import { createHash } from "node:crypto";
import {
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { spentChallenges, twoStepFactors } from "@/db/schema";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { DomainError, isUniqueViolation } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { openChallenge, sealChallenge } from "./challenge-state";
import {
  confirmedFactorsOf,
  countConfirmedFactors,
  factorSummaryColumns,
  lockAccount,
  recordFactorAdded,
  type TwoStepAccount,
} from "./shared";
import type { ConfirmedFactor } from "./totp-enrollment";
import {
  accountIdOfUserHandle,
  buildAuthenticationOptions,
  buildRegistrationOptions,
  relyingParty,
  type CredentialDescriptor,
} from "./webauthn-options";

/** Options for the browser's WebAuthn call, and the sealed state to send back with its response. */
export type PasskeyCeremony<O> = { options: O; state: string };

async function passkeysOf(accountId: string): Promise<CredentialDescriptor[]> {
  const db = await getDb();
  const rows = await db
    .select({ id: twoStepFactors.credentialId, transports: twoStepFactors.transports })
    .from(twoStepFactors)
    .where(confirmedFactorsOf(accountId, "passkey"));
  return rows.flatMap((r) => (r.id ? [{ id: r.id, transports: r.transports ?? undefined }] : []));
}

/** For the signed-in account: options to register a passkey (its existing ones excluded) and their sealed state. */
export async function passkeyRegistrationOptions(
  account: TwoStepAccount,
): Promise<PasskeyCeremony<PublicKeyCredentialCreationOptionsJSON>> {
  const options = await buildRegistrationOptions({
    accountId: account.id,
    email: account.email,
    name: account.name,
    exclude: await passkeysOf(account.id),
  });
  return { options, state: sealChallenge("passkey-registration", account.id, options.challenge) };
}

/**
 * For the signed-in account: verifies the browser's registration response against the state it
 * was given (same account, unexpired, APP_URL's origin and relying party) and stores the passkey.
 * The first factor of the account also gets its recovery codes. Audited and emailed.
 */
export async function verifyPasskeyRegistration(
  account: TwoStepAccount,
  input: { response: RegistrationResponseJSON; state: string; name: string },
  meta: RequestMeta,
): Promise<ConfirmedFactor> {
  const state = openChallenge(input.state, "passkey-registration");
  if (!state || state.accountId !== account.id) throw new DomainError("two-step.passkeyExpired");
  const rp = relyingParty();
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: state.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: false,
    });
  } catch (error) {
    logger.info("passkey registration refused", { reason: error instanceof Error ? error.message : "unknown" });
    throw new DomainError("two-step.passkeyFailed");
  }
  if (!verified.verified) throw new DomainError("two-step.passkeyFailed");
  const { credential } = verified.registrationInfo;
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      const owner = await lockAccount(tx, account.id);
      const first = (await countConfirmedFactors(tx, owner.id)) === 0;
      const [factor] = await tx
        .insert(twoStepFactors)
        .values({
          accountId: owner.id,
          kind: "passkey",
          name: input.name,
          confirmedAt: sql`now()`,
          credentialId: credential.id,
          publicKey: Buffer.from(credential.publicKey).toString("base64url"),
          signCount: credential.counter,
          transports: credential.transports ?? [],
        })
        .returning(factorSummaryColumns);
      return recordFactorAdded(tx, owner, factor, first, meta);
    });
  } catch (error) {
    if (isUniqueViolation(error, "two_step_factors_credential_id_key"))
      throw new DomainError("two-step.passkeyAlreadyRegistered", { status: 409 });
    throw error;
  }
}

/**
 * For the sign-in: options to sign in with a passkey and their sealed state. With an account (the
 * second step, after its password) they list its passkeys; with null (passkey-only sign-in) they
 * list none, the authenticator offers its discoverable credentials, and user verification is required.
 */
export async function passkeyAuthenticationOptions(
  accountId: string | null,
): Promise<PasskeyCeremony<PublicKeyCredentialRequestOptionsJSON>> {
  const options = await buildAuthenticationOptions(accountId ? await passkeysOf(accountId) : null);
  return { options, state: sealChallenge("passkey-authentication", accountId, options.challenge) };
}

/** A challenge as the key of its spent record: the first 128 bits of its SHA-256, as a UUID. */
function challengeHash(challenge: string): string {
  const hex = createHash("sha256").update(challenge).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * For the sign-in: verifies a passkey assertion against its sealed state and the stored credential,
 * and advances its counter atomically (a concurrent use of the same assertion loses). Returns the
 * account it proves, or null. It does not check the account's status nor start a session: the
 * caller does both, and limits attempts before calling.
 */
export async function verifyPasskeyAuthentication(
  response: AuthenticationResponseJSON,
  sealedState: string,
): Promise<{ accountId: string; factorId: string } | null> {
  const state = openChallenge(sealedState, "passkey-authentication");
  if (!state || typeof response?.id !== "string") return null;
  const db = await getDb();
  const [factor] = await db
    .select({
      id: twoStepFactors.id,
      accountId: twoStepFactors.accountId,
      credentialId: twoStepFactors.credentialId,
      publicKey: twoStepFactors.publicKey,
      signCount: twoStepFactors.signCount,
      transports: twoStepFactors.transports,
      // As text, with the database's full precision, for the compare-and-set below.
      lastUsed: sql<string | null>`${twoStepFactors.lastUsedAt}::text`,
    })
    .from(twoStepFactors)
    .where(
      and(
        eq(twoStepFactors.credentialId, response.id),
        eq(twoStepFactors.kind, "passkey"),
        isNotNull(twoStepFactors.confirmedAt),
      ),
    );
  if (!factor?.credentialId || !factor.publicKey) return null;
  if (state.accountId !== null && state.accountId !== factor.accountId) return null;
  const handle = response.response?.userHandle;
  if (handle && accountIdOfUserHandle(handle) !== factor.accountId) return null;
  const rp = relyingParty();
  const previousCount = factor.signCount ?? 0;
  let newCounter: number;
  try {
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: state.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      credential: {
        id: factor.credentialId,
        publicKey: new Uint8Array(Buffer.from(factor.publicKey, "base64url")),
        counter: previousCount,
        transports: factor.transports ?? undefined,
      },
      requireUserVerification: state.accountId === null,
    });
    if (!verified.verified) return null;
    newCounter = verified.authenticationInfo.newCounter;
  } catch (error) {
    logger.info("passkey sign-in refused", { reason: error instanceof Error ? error.message : "unknown" });
    return null;
  }
  const used = await db.transaction(async (tx) => {
    // The challenge is spent with its first verified assertion, in the same transaction as the
    // counter: an authenticator that keeps no counter (always 0) cannot have the same assertion
    // accepted again, at once or after the first use committed. The record lives as long as the
    // challenge's sealed state could.
    const [spent] = await tx
      .insert(spentChallenges)
      .values({ challengeHash: challengeHash(state.challenge), expiresAt: new Date(state.expiresAt) })
      .onConflictDoNothing()
      .returning({ challengeHash: spentChallenges.challengeHash });
    if (!spent) return null;
    const [row] = await tx
      .update(twoStepFactors)
      .set({ signCount: newCounter, lastUsedAt: sql`now()` })
      .where(
        and(
          eq(twoStepFactors.id, factor.id),
          eq(twoStepFactors.signCount, previousCount),
          sql`${twoStepFactors.lastUsedAt}::text is not distinct from ${factor.lastUsed}`,
        ),
      )
      .returning({ id: twoStepFactors.id });
    return row ?? null;
  });
  return used ? { accountId: factor.accountId, factorId: factor.id } : null;
}
