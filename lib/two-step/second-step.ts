import "server-only";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { recoveryCodes, twoStepFactors } from "@/db/schema";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { hashRecoveryCode } from "./recovery-code-format";
import { confirmedFactorsOf, lockAccount, recordTwoStepChange } from "./shared";
import { matchTotpStep } from "./totp";
import { openTotpSecret } from "./totp-enrollment";

// The checks of the sign-in's second step. None of them limits attempts or starts a session:
// the caller counts the attempt first (lib/security/rate-limit.ts), then calls one of these with
// the account id of its verified, signed password step, and starts the session only on success.

/** Which second steps an account can use: an authenticator app, a passkey, and how many recovery codes remain. */
export async function availableSecondSteps(
  accountId: string,
): Promise<{ totp: boolean; passkey: boolean; recoveryCodes: number }> {
  const db = await getDb();
  const factors = await db
    .select({ kind: twoStepFactors.kind })
    .from(twoStepFactors)
    .where(confirmedFactorsOf(accountId));
  const [codes] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.accountId, accountId), isNull(recoveryCodes.usedAt)));
  return {
    totp: factors.some((f) => f.kind === "totp"),
    passkey: factors.some((f) => f.kind === "passkey"),
    recoveryCodes: Number(codes?.n ?? 0),
  };
}

/**
 * For the sign-in's second step: whether the code is the current one (± one step) of one of the
 * account's confirmed authenticator apps, and newer than the last it accepted. The accepted step
 * is stored in the same statement that checks it, so one code passes once, even when sent twice
 * at the same moment.
 */
export async function verifyTotpCode(accountId: string, code: string): Promise<boolean> {
  const db = await getDb();
  const factors = await db
    .select({
      id: twoStepFactors.id,
      ciphertext: twoStepFactors.totpSecretCiphertext,
      lastStep: twoStepFactors.totpLastStep,
    })
    .from(twoStepFactors)
    .where(confirmedFactorsOf(accountId, "totp"));
  for (const factor of factors) {
    if (!factor.ciphertext) continue;
    const step = matchTotpStep(openTotpSecret(factor.ciphertext), code, { lastStep: factor.lastStep });
    if (step === null) continue;
    const [accepted] = await db
      .update(twoStepFactors)
      .set({ totpLastStep: step, lastUsedAt: sql`now()` })
      .where(
        and(
          eq(twoStepFactors.id, factor.id),
          or(isNull(twoStepFactors.totpLastStep), lt(twoStepFactors.totpLastStep, step)),
        ),
      )
      .returning({ id: twoStepFactors.id });
    if (accepted) return true;
  }
  return false;
}

/**
 * For the sign-in's second step: spends one unused recovery code of the account (atomically: a
 * code sent twice at once passes once). Returns how many remain, or null when the code is not an
 * unused code of this account. Audited and emailed to the account.
 */
export async function redeemRecoveryCode(
  accountId: string,
  code: string,
  meta: RequestMeta,
): Promise<{ remaining: number } | null> {
  const codeHash = hashRecoveryCode(code);
  if (!codeHash) return null;
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [spent] = await tx
      .update(recoveryCodes)
      .set({ usedAt: sql`now()` })
      .where(
        and(eq(recoveryCodes.accountId, accountId), eq(recoveryCodes.codeHash, codeHash), isNull(recoveryCodes.usedAt)),
      )
      .returning({ id: recoveryCodes.id });
    if (!spent) return null;
    const account = await lockAccount(tx, accountId);
    const [left] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.accountId, accountId), isNull(recoveryCodes.usedAt)));
    const remaining = Number(left?.n ?? 0);
    await recordTwoStepChange(tx, account, "account.recovery_code_used", "recovery-code-used", meta, { remaining });
    return { remaining };
  });
}
