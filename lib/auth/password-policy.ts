import "server-only";
import { eq, max } from "drizzle-orm";
import { dictionary } from "@zxcvbn-ts/language-common";
import type { Executor } from "@/db/client";
import { memberships, organizationSettings } from "@/db/schema";
import { DomainError } from "@/lib/errors";

const MAX_PASSWORD_LENGTH = 128;
/** The minimum for an account that belongs to no organization (the settings' default). */
export const DEFAULT_MIN_PASSWORD_LENGTH = 12;

// zxcvbn-ts's list of the ~50,000 passwords seen most often in breaches, lower-cased once.
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary["passwords-common"].map((p) => p.normalize("NFKC").toLowerCase()));
  return common;
}

/** Length in characters as a person counts them (code points), after NFKC normalization. */
function passwordLength(password: string): number {
  return [...password.normalize("NFKC")].length;
}

function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.normalize("NFKC").toLowerCase());
}

/**
 * Throws a field error on `field` when a new password breaks a rule: the minimum length, at most
 * 128 characters, not the temporary password it replaces, not a common password. Passwords are
 * compared NFKC-normalized, the form in which they are hashed.
 */
export function assertNewPasswordAllowed(
  password: string,
  rules: { minLength: number; temporaryPassword?: string; field?: string },
): void {
  const field = rules.field ?? "newPassword";
  const length = passwordLength(password);
  if (length < rules.minLength) throw new DomainError("password.tooShort", { field, params: { min: rules.minLength } });
  if (length > MAX_PASSWORD_LENGTH)
    throw new DomainError("password.tooLong", { field, params: { max: MAX_PASSWORD_LENGTH } });
  if (
    rules.temporaryPassword !== undefined &&
    password.normalize("NFKC") === rules.temporaryPassword.normalize("NFKC")
  ) {
    throw new DomainError("password.sameAsTemporary", { field });
  }
  if (isCommonPassword(password)) throw new DomainError("password.common", { field });
}

/**
 * The minimum length a new password of the account must have: the strictest among the
 * organizations it belongs to or is invited to, read now; the default when it has none.
 */
export async function minimumPasswordLengthFor(db: Executor, accountId: string): Promise<number> {
  const [row] = await db
    .select({ min: max(organizationSettings.minPasswordLength) })
    .from(memberships)
    .innerJoin(organizationSettings, eq(organizationSettings.organizationId, memberships.organizationId))
    .where(eq(memberships.accountId, accountId));
  return row?.min ?? DEFAULT_MIN_PASSWORD_LENGTH;
}
