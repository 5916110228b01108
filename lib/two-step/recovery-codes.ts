import "server-only";
import { getDb } from "@/db/client";
import { recordAccountAudit } from "@/lib/auth/new-password";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { DomainError } from "@/lib/errors";
import { countConfirmedFactors, lockAccount, replaceRecoveryCodes, type TwoStepAccount } from "./shared";

/**
 * For the signed-in account with at least one factor: replaces all its recovery codes with ten
 * new ones, returned once (only their hashes are kept). Audited.
 */
export async function regenerateRecoveryCodes(account: TwoStepAccount, meta: RequestMeta): Promise<string[]> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const owner = await lockAccount(tx, account.id);
    if ((await countConfirmedFactors(tx, owner.id)) === 0) throw new DomainError("two-step.noFactor", { status: 409 });
    const codes = await replaceRecoveryCodes(tx, owner.id);
    await recordAccountAudit(tx, owner, "account.recovery_codes_regenerated", meta);
    return codes;
  });
}
