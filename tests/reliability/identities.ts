import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { accounts, invitations } from "@/db/schema";
import { hashKey, generateKey } from "@/lib/security/tokens";
import { ActionClient, type ActionInfo } from "../support/action-client";
import { addMember, createAccount, createOrganizationWithOwner, DEFAULT_PASSWORD } from "../support/factories";

export type IdentityName =
  "anonymous" | "temporaryPassword" | "userMember" | "otherOrgAdmin" | "disabledMember" | "expiredMember";

export const refusedIdentities: IdentityName[] = [
  "anonymous",
  "temporaryPassword",
  "userMember",
  "otherOrgAdmin",
  "disabledMember",
  "expiredMember",
];

export type World = {
  /** The organization every refused identity tries to act on. */
  target: Awaited<ReturnType<typeof createOrganizationWithOwner>>;
  /** The other organization, administered by `otherOrgAdmin`. */
  other: Awaited<ReturnType<typeof createOrganizationWithOwner>>;
  /** A pending invitation into the target organization, with its key (for acceptance calls). */
  invitation: { id: string; key: string; email: string };
  /** Memberships of the target organization that an administrator could act on. */
  members: { user: string; secondAdmin: string };
  /** An existing account invited into the target organization (the acceptance race). */
  existingInvitee: { login: { email: string; password: string }; invitationId: string; key: string; accountId: string };
  accounts: Record<IdentityName | "admin", { email: string; password: string } | null>;
};

/**
 * The people of the matrix, written straight to the database: an administrator of the target
 * organization (the only one allowed), and the six who must be refused.
 */
export async function seedWorld(db: Database): Promise<World> {
  const target = await createOrganizationWithOwner(db, "Target Corp");
  const other = await createOrganizationWithOwner(db, "Other Corp");
  const user = await createAccount(db, { name: "Uma User" });
  const userMembership = await addMember(db, target.org.id, user.id, { role: "user" });
  const second = await createAccount(db, { name: "Adam Admin" });
  const secondAdmin = await addMember(db, target.org.id, second.id, { role: "administrator" });
  const disabled = await createAccount(db, { name: "Dana Disabled" });
  await addMember(db, target.org.id, disabled.id, { role: "administrator", status: "disabled" });
  const expired = await createAccount(db, { name: "Eve Expired" });
  await addMember(db, target.org.id, expired.id, {
    role: "administrator",
    accessExpiresAt: new Date(Date.now() - 3_600_000),
  });

  const temporary = await createAccount(db, { name: "Tom Temporary", passwordIsTemporary: true });
  const membership = await addMember(db, target.org.id, temporary.id, { role: "administrator", status: "invited" });
  const key = generateKey();
  const [invitation] = await db
    .insert(invitations)
    .values({
      organizationId: target.org.id,
      accountId: temporary.id,
      membershipId: membership.id,
      email: temporary.email,
      emailNormalized: temporary.emailNormalized,
      role: "administrator",
      invitedByAccountId: target.owner.id,
      keyHash: hashKey(key),
      expiresAt: new Date(Date.now() + 7 * 86_400_000),
      locale: "en",
      passwordDelivery: "manual",
    })
    .returning();
  await db
    .update(accounts)
    .set({ createdByInvitationId: invitation!.id, temporaryPasswordInvitationId: invitation!.id })
    .where(eq(accounts.id, temporary.id));

  const invitee = await createAccount(db, { name: "Ivy Invitee" });
  const inviteeMembership = await addMember(db, target.org.id, invitee.id, {
    role: "administrator",
    status: "invited",
  });
  const inviteeKey = generateKey();
  const [existingInvitation] = await db
    .insert(invitations)
    .values({
      organizationId: target.org.id,
      accountId: invitee.id,
      membershipId: inviteeMembership.id,
      email: invitee.email,
      emailNormalized: invitee.emailNormalized,
      role: "administrator",
      invitedByAccountId: target.owner.id,
      keyHash: hashKey(inviteeKey),
      expiresAt: new Date(Date.now() + 7 * 86_400_000),
      locale: "en",
      passwordDelivery: "none",
    })
    .returning();

  const login = (email: string) => ({ email, password: DEFAULT_PASSWORD });
  return {
    target,
    other,
    invitation: { id: invitation!.id, key, email: temporary.email },
    members: { user: userMembership.id, secondAdmin: secondAdmin.id },
    existingInvitee: {
      login: login(invitee.email),
      invitationId: existingInvitation!.id,
      key: inviteeKey,
      accountId: invitee.id,
    },
    accounts: {
      admin: login(target.owner.email),
      anonymous: null,
      temporaryPassword: login(temporary.email),
      userMember: login(user.email),
      otherOrgAdmin: login(other.owner.email),
      disabledMember: login(disabled.email),
      expiredMember: login(expired.email),
    },
  };
}

/** An action client signed in as the identity (anonymous: no session). */
export async function clientFor(
  baseUrl: string,
  actions: ActionInfo[],
  login: { email: string; password: string } | null,
): Promise<ActionClient> {
  const client = new ActionClient(baseUrl, actions);
  if (!login) return client;
  const signIn = client.find("app/sign-in/actions.ts", "signInAction");
  const response = await client.call(signIn, [login], { path: "/sign-in" });
  // A successful sign-in redirects (to the start page or to the change-password page).
  if (!response.redirect) {
    throw new Error(`could not sign in ${login.email}: ${response.status} ${JSON.stringify(response.result)}`);
  }
  return client;
}
