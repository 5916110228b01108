import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { accounts, invitations, memberships, type Account, type MembershipRole } from "@/db/schema";
import { generateKey, generateTemporaryPassword, hashKey } from "@/lib/security/tokens";
import { createAccount, uniqueEmail } from "./factories";

const DAY_MS = 86_400_000;

/**
 * An invitation with a known key, written straight to the database as the wizard would leave
 * it: for a new account, the account with a temporary password (created by the invitation, which
 * owns the password); for an existing one, the given account. The membership is "invited".
 */
export async function createTestInvitation(
  db: Database,
  options: {
    organizationId: string;
    inviterAccountId: string | null;
    kind?: "new" | "existing";
    account?: Account;
    email?: string;
    role?: MembershipRole;
    expiresAt?: Date;
    status?: "pending" | "accepted" | "revoked" | "expired" | "declined";
    passwordDelivery?: "email" | "manual";
  },
) {
  const kind = options.kind ?? (options.account ? "existing" : "new");
  const key = generateKey();
  const temporaryPassword = kind === "new" ? generateTemporaryPassword() : undefined;
  const account =
    options.account ??
    (await createAccount(db, {
      email: options.email ?? uniqueEmail("invitee"),
      name: "Ines Invitee",
      password: temporaryPassword,
      passwordIsTemporary: kind === "new",
    }));
  const role = options.role ?? "administrator";
  const [membership] = await db
    .insert(memberships)
    .values({
      organizationId: options.organizationId,
      accountId: account.id,
      role,
      status: "invited",
      invitedByAccountId: options.inviterAccountId,
      invitedAt: new Date(),
    })
    .returning();
  const [invitation] = await db
    .insert(invitations)
    .values({
      organizationId: options.organizationId,
      accountId: account.id,
      membershipId: membership!.id,
      email: account.email,
      emailNormalized: account.email.trim().toLowerCase(),
      role,
      invitedByAccountId: options.inviterAccountId,
      keyHash: hashKey(key),
      status: options.status ?? "pending",
      expiresAt: options.expiresAt ?? new Date(Date.now() + 7 * DAY_MS),
      locale: "en",
      passwordDelivery: kind === "new" ? (options.passwordDelivery ?? "email") : "none",
    })
    .returning();
  if (kind === "new")
    await db
      .update(accounts)
      .set({ createdByInvitationId: invitation!.id, temporaryPasswordInvitationId: invitation!.id })
      .where(eq(accounts.id, account.id));
  return { invitation: invitation!, key, temporaryPassword, account, membership: membership! };
}

/** What a re-invite does to the old link: a new key replaces the stored hash. Returns the new key. */
export async function replaceInvitationKey(db: Database, invitationId: string): Promise<string> {
  const key = generateKey();
  await db
    .update(invitations)
    .set({ keyHash: hashKey(key), expiresAt: new Date(Date.now() + 7 * DAY_MS) })
    .where(eq(invitations.id, invitationId));
  return key;
}
