import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { accounts, organizations } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { assertNewPasswordAllowed, DEFAULT_MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import type { RequestMeta } from "@/lib/auth/request-meta";
import { DomainError } from "@/lib/errors";
import { insertOrganizationWithOwner, type CreatedOrganization } from "@/lib/organizations/create";
import { normalizeEmail } from "@/lib/security/email";
import type { SetupInput } from "@/lib/validations/auth";

// Any constant: serialises concurrent first-run submissions across instances.
const FIRST_RUN_LOCK = 7_261_002;

// Once a database has an organization it always will: remember it per database.
const completed = new WeakSet<object>();

/** Whether the first organization exists. */
export async function isSetupComplete(): Promise<boolean> {
  const db = await getDb();
  if (completed.has(db)) return true;
  const [row] = await db.select({ id: organizations.id }).from(organizations).limit(1);
  if (row) completed.add(db);
  return Boolean(row);
}

/**
 * First run, for anyone while the database has no organization: creates the first organization
 * and its owner in one transaction. Two simultaneous submissions leave one organization; the
 * other gets `setupAlreadyDone`. The owner's password meets the same policy as every other new
 * password (length, not a common password).
 */
export async function completeFirstRun(
  input: SetupInput,
  meta: RequestMeta,
): Promise<{ accountId: string; sessionVersion: number; organization: CreatedOrganization }> {
  if (await isSetupComplete()) throw new DomainError("setupAlreadyDone", { status: 409 });
  assertNewPasswordAllowed(input.password, { minLength: DEFAULT_MIN_PASSWORD_LENGTH, field: "password" });
  const passwordHash = await hashPassword(input.password);
  const db = await getDb();
  const result = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_RUN_LOCK})`);
    const [existing] = await tx.select({ id: organizations.id }).from(organizations).limit(1);
    if (existing) throw new DomainError("setupAlreadyDone", { status: 409 });

    const [account] = await tx
      .insert(accounts)
      .values({
        email: input.email.trim(),
        emailNormalized: normalizeEmail(input.email),
        name: input.name,
        passwordHash,
        passwordChangedAt: new Date(),
        lastSignInAt: new Date(),
      })
      .returning({ id: accounts.id, sessionVersion: accounts.sessionVersion });
    if (!account) throw new Error("account insert returned no row");
    const organization = await insertOrganizationWithOwner(tx, {
      name: input.organizationName,
      ownerAccountId: account.id,
      actor: { accountId: account.id, name: input.name, email: input.email.trim(), meta },
    });
    return { accountId: account.id, sessionVersion: account.sessionVersion, organization };
  });
  completed.add(db);
  return result;
}
