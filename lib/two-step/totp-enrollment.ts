import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import QRCode from "qrcode";
import { getDb } from "@/db/client";
import { twoStepFactors } from "@/db/schema";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { openSecret, sealSecret } from "@/lib/email/secret-box";
import { DomainError } from "@/lib/errors";
import {
  assertFactorId,
  countConfirmedFactors,
  factorSummaryColumns,
  lockAccount,
  recordFactorAdded,
  type FactorSummary,
  type TwoStepAccount,
} from "./shared";
import { matchTotpStep, newTotpSecret, totpKeyUri, totpSecretForTyping } from "./totp";

/** How long a started enrollment may wait for its first code. */
const ENROLLMENT_LIFETIME = sql`interval '30 minutes'`;

export type TotpEnrollment = {
  factorId: string;
  /** The secret in base32 groups, for typing; shown once, to this account only. */
  secret: string;
  /** The QR code of the otpauth:// URI, an inline SVG document (no network). */
  qrSvg: string;
};

/** What confirming a first factor gives: the recovery codes, shown once; later factors give none. */
export type ConfirmedFactor = { factor: FactorSummary; recoveryCodes: string[] | null };

/**
 * For the signed-in account: starts adding an authenticator app, with a fresh secret stored
 * sealed (AES-256-GCM). The factor counts only once confirmed; an earlier unconfirmed start of the
 * account is discarded, so at most one is pending.
 */
export async function startTotpEnrollment(account: TwoStepAccount, name: string): Promise<TotpEnrollment> {
  const secret = newTotpSecret();
  const db = await getDb();
  const factorId = await db.transaction(async (tx) => {
    await tx
      .delete(twoStepFactors)
      .where(
        and(
          eq(twoStepFactors.accountId, account.id),
          eq(twoStepFactors.kind, "totp"),
          isNull(twoStepFactors.confirmedAt),
        ),
      );
    const [row] = await tx
      .insert(twoStepFactors)
      .values({
        accountId: account.id,
        kind: "totp",
        name,
        totpSecretCiphertext: sealSecret(Buffer.from(secret).toString("base64")),
      })
      .returning({ id: twoStepFactors.id });
    if (!row) throw new Error("factor insert returned no row");
    return row.id;
  });
  const qrSvg = await QRCode.toString(totpKeyUri(account.email, secret), {
    type: "svg",
    errorCorrectionLevel: "M",
    margin: 2,
  });
  return { factorId, secret: totpSecretForTyping(secret), qrSvg };
}

/** The secret of a sealed factor, as bytes. */
export function openTotpSecret(ciphertext: string): Uint8Array {
  return new Uint8Array(Buffer.from(openSecret(ciphertext), "base64"));
}

/**
 * For the signed-in account: confirms its pending authenticator app with a first valid code
 * (whose time step is then spent). The first factor of the account also gets its recovery codes.
 * Audited and emailed to the account. A wrong code is a field error on `code`.
 */
export async function confirmTotpEnrollment(
  account: TwoStepAccount,
  input: { factorId: string; code: string },
  meta: RequestMeta,
): Promise<ConfirmedFactor> {
  assertFactorId(input.factorId);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const owner = await lockAccount(tx, account.id);
    const [pending] = await tx
      .select({ ciphertext: twoStepFactors.totpSecretCiphertext })
      .from(twoStepFactors)
      .where(
        and(
          eq(twoStepFactors.id, input.factorId),
          eq(twoStepFactors.accountId, owner.id),
          eq(twoStepFactors.kind, "totp"),
          isNull(twoStepFactors.confirmedAt),
          gt(twoStepFactors.createdAt, sql`now() - ${ENROLLMENT_LIFETIME}`),
        ),
      );
    if (!pending?.ciphertext) throw new DomainError("two-step.enrollmentExpired", { status: 404 });
    const step = matchTotpStep(openTotpSecret(pending.ciphertext), input.code);
    if (step === null) throw new DomainError("two-step.codeInvalid", { field: "code" });
    const first = (await countConfirmedFactors(tx, owner.id)) === 0;
    const [factor] = await tx
      .update(twoStepFactors)
      .set({ confirmedAt: sql`now()`, totpLastStep: step })
      .where(eq(twoStepFactors.id, input.factorId))
      .returning(factorSummaryColumns);
    return recordFactorAdded(tx, owner, factor, first, meta);
  });
}
