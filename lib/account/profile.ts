import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { accounts } from "@/db/schema";
import { diff } from "@/lib/audit/record";
import type { CurrentAccount } from "@/lib/auth/current";
import { recordAccountAudit } from "@/lib/auth/new-password";
import { minimumPasswordLengthFor } from "@/lib/auth/password-policy";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { forbidden } from "@/lib/errors";
import type { AppLocale } from "@/lib/i18n/config";
import type { AccountPreferencesInput } from "@/lib/validations/account";

export type AccountProfile = {
  name: string;
  email: string;
  locale: AppLocale | null;
  timeZone: string | null;
  minPasswordLength: number;
};

/** For the signed-in account itself: what the account page shows and edits. */
export async function getAccountProfile(account: CurrentAccount): Promise<AccountProfile> {
  const db = await getDb();
  const [row] = await db
    .select({ name: accounts.name, email: accounts.email, locale: accounts.locale, timeZone: accounts.timeZone })
    .from(accounts)
    .where(eq(accounts.id, account.id));
  if (!row) throw forbidden();
  return { ...row, minPasswordLength: await minimumPasswordLengthFor(db, account.id) };
}

export type AccountPreferencesSaved = { changed: boolean; locale: AppLocale | null; timeZone: string | null };

/**
 * For the signed-in account itself: saves its name, interface language and time zone ("" = the
 * browser's) in one transaction, audited with before → after in each of its organizations. A save
 * that changes nothing writes nothing.
 */
export async function updateAccountPreferences(
  account: CurrentAccount,
  input: AccountPreferencesInput,
  meta: RequestMeta,
): Promise<AccountPreferencesSaved> {
  const after = { name: input.name, locale: input.locale || null, timeZone: input.timeZone || null };
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ name: accounts.name, locale: accounts.locale, timeZone: accounts.timeZone })
      .from(accounts)
      .where(eq(accounts.id, account.id))
      .for("update");
    if (!before) throw forbidden();
    // `interfaceLocale`: `locale` in the audit's labels is an invitation's language.
    const changes = diff(
      { name: before.name, interfaceLocale: before.locale, timeZone: before.timeZone },
      { name: after.name, interfaceLocale: after.locale, timeZone: after.timeZone },
    );
    if (Object.keys(changes).length === 0) return { changed: false, locale: after.locale, timeZone: after.timeZone };
    await tx.update(accounts).set(after).where(eq(accounts.id, account.id));
    // Recorded under the new name, so the event reads as the person now calls themselves.
    await recordAccountAudit(tx, { ...account, name: after.name }, "account.updated", meta, { changes });
    return { changed: true, locale: after.locale, timeZone: after.timeZone };
  });
}
