import "server-only";
import { and, eq, isNotNull, ne, sql, type SQL } from "drizzle-orm";
import type { Executor, Transaction } from "@/db/client";
import { accounts, recoveryCodes, twoStepFactors } from "@/db/schema";
import type { AuditAction } from "@/lib/audit/actions";
import { recordAccountAudit, type PasswordOwner } from "@/lib/auth/new-password";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { enqueueEmail } from "@/lib/email/outbox";
import type { EmailTemplates } from "@/lib/email/types";
import { notFound } from "@/lib/errors";
import { defaultLocale } from "@/lib/i18n/config";
import { generateRecoveryCodes, hashRecoveryCode } from "./recovery-code-format";

// Pieces of the two-step transactions, shared by the modules of this folder.

/** The signed-in account a two-step function acts on: from the caller's verified session, never from input. */
export type TwoStepAccount = PasswordOwner;

export type TwoStepChange = EmailTemplates["two-step-changed"]["payload"]["change"];

/** A factor as the account security page shows it. Never its secret or public key. */
export type FactorSummary = {
  id: string;
  kind: "totp" | "passkey";
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
};

export const factorSummaryColumns = {
  id: twoStepFactors.id,
  kind: twoStepFactors.kind,
  name: twoStepFactors.name,
  createdAt: twoStepFactors.createdAt,
  lastUsedAt: twoStepFactors.lastUsedAt,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws `notFound` for an id that is not a UUID, before the database refuses it as an error. */
export function assertFactorId(id: string): void {
  if (!UUID.test(id)) throw notFound();
}

/**
 * Locks the account row for the rest of the transaction, so that two changes to one account's
 * factors (two confirmations, a removal and a reset) run one after the other and agree on
 * whether a factor is the first or the last.
 */
export async function lockAccount(tx: Transaction, accountId: string): Promise<TwoStepAccount> {
  const [row] = await tx
    .select({ id: accounts.id, email: accounts.email, name: accounts.name, locale: accounts.locale })
    .from(accounts)
    .where(eq(accounts.id, accountId))
    .for("update");
  if (!row) throw notFound();
  return row;
}

/** The condition for the account's confirmed factors, of one kind when given. */
export function confirmedFactorsOf(accountId: string, kind?: FactorSummary["kind"]): SQL | undefined {
  return and(
    eq(twoStepFactors.accountId, accountId),
    kind ? eq(twoStepFactors.kind, kind) : undefined,
    isNotNull(twoStepFactors.confirmedAt),
  );
}

/** How many confirmed factors the account has, leaving one out if given. */
export async function countConfirmedFactors(db: Executor, accountId: string, except?: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(twoStepFactors)
    .where(and(confirmedFactorsOf(accountId), except ? ne(twoStepFactors.id, except) : undefined));
  return Number(row?.n ?? 0);
}

/** Replaces the account's recovery codes with a fresh set; returns the codes, which are stored only hashed. */
export async function replaceRecoveryCodes(tx: Transaction, accountId: string): Promise<string[]> {
  const codes = generateRecoveryCodes();
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.accountId, accountId));
  const rows = codes.map((code) => {
    const codeHash = hashRecoveryCode(code);
    if (!codeHash) throw new Error("a generated recovery code is not in the code format");
    return { accountId, codeHash };
  });
  await tx.insert(recoveryCodes).values(rows);
  return codes;
}

/**
 * A confirmed factor written in the transaction: the account's first one comes with a fresh set
 * of recovery codes; audited as `account.two_step_added` and told to the account by email.
 */
export async function recordFactorAdded(
  tx: Transaction,
  owner: TwoStepAccount,
  factor: FactorSummary | undefined,
  first: boolean,
  meta: RequestMeta,
): Promise<{ factor: FactorSummary; recoveryCodes: string[] | null }> {
  if (!factor) throw new Error("the factor's write returned no row");
  const recoveryCodes = first ? await replaceRecoveryCodes(tx, owner.id) : null;
  const change = factor.kind === "totp" ? "authenticator-added" : "passkey-added";
  await recordTwoStepChange(tx, owner, "account.two_step_added", change, meta, {
    factorName: factor.name,
    kind: factor.kind,
  });
  return { factor, recoveryCodes };
}

/**
 * The audit event of a change to the account's own factors (in every organization it belongs to,
 * so their administrators see it) and the email that tells the account, in one transaction.
 */
export async function recordTwoStepChange(
  tx: Transaction,
  account: TwoStepAccount,
  action: AuditAction,
  change: TwoStepChange,
  meta: RequestMeta,
  details: { factorName?: string; kind?: "totp" | "passkey"; remaining?: number } = {},
): Promise<void> {
  await recordAccountAudit(tx, account, action, meta, details);
  await queueTwoStepEmail(tx, account, change, { factorName: details.factorName ?? null, actorName: null });
}

/** Queues the notice of a two-step change to the account's own address, in its language. */
export async function queueTwoStepEmail(
  tx: Transaction,
  account: TwoStepAccount,
  change: TwoStepChange,
  extra: { factorName: string | null; actorName: string | null },
): Promise<void> {
  await enqueueEmail(tx, {
    organizationId: null,
    template: "two-step-changed",
    locale: account.locale ?? defaultLocale,
    to: account.email,
    payload: { accountName: account.name, change, at: new Date().toISOString(), ...extra },
  });
}
