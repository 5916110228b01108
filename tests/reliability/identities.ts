import { randomUUID } from "node:crypto";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { accounts, invitations } from "@/db/schema";
import { hashKey, generateKey } from "@/lib/security/tokens";
import { totpCodeAt, totpStepAt } from "@/lib/two-step/totp";
import { ActionClient, type ActionInfo } from "../support/action-client";
import { addMember, createAccount, createOrganizationWithOwner, DEFAULT_PASSWORD } from "../support/factories";

export type IdentityName =
  | "anonymous"
  | "temporaryPassword"
  | "userMember"
  | "otherOrgAdmin"
  | "disabledMember"
  | "expiredMember"
  | "secondStepPending"
  | "heldAdministrator";

/** Refused on every organization action, route and account action, whatever the organization's settings. */
export const refusedIdentities: IdentityName[] = [
  "anonymous",
  "temporaryPassword",
  "userMember",
  "otherOrgAdmin",
  "disabledMember",
  "expiredMember",
  // An administrator of the target with a confirmed authenticator app who passed the password
  // step: it holds the sealed second-step state and no session.
  "secondStepPending",
];

/**
 * Refused only while the target organization requires two-step verification of administrators
 * (`two-step.ts` turns the setting on around its own matrix): an administrator of the target
 * without a factor, signed in with a session, held at enrollment.
 */
export type World = {
  /** The organization every refused identity tries to act on. */
  target: Awaited<ReturnType<typeof createOrganizationWithOwner>>;
  /** The other organization, administered by `otherOrgAdmin`. */
  other: Awaited<ReturnType<typeof createOrganizationWithOwner>>;
  /** A pending invitation into the target organization, with its key (for acceptance calls). */
  invitation: { id: string; key: string; email: string };
  /** Memberships of the target organization that an administrator could act on. */
  members: { user: string; secondAdmin: string; held: string; pending: string };
  /** An existing account invited into the target organization (the acceptance race). */
  existingInvitee: { login: { email: string; password: string }; invitationId: string; key: string; accountId: string };
  accounts: Record<IdentityName | "admin", { email: string; password: string } | null>;
  /** The authenticator app `secondStepPending` enrolled (set once it has; account actions on factors name it). */
  twoStep: { pendingFactorId: string };
};

/**
 * The people of the matrix, written straight to the database: an administrator of the target
 * organization (the only one allowed), the seven who must be refused, and the administrator held
 * at enrollment while the organization requires two-step verification.
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
  // Two administrators of the target for the two-step identities: Paula enrolls an authenticator
  // app through the product before signing in (`enrollAuthenticator`), Hal has no factor.
  const pending = await createAccount(db, { name: "Paula Pending" });
  const pendingMembership = await addMember(db, target.org.id, pending.id, { role: "administrator" });
  const held = await createAccount(db, { name: "Hal Held" });
  const heldMembership = await addMember(db, target.org.id, held.id, { role: "administrator" });
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
    members: {
      user: userMembership.id,
      secondAdmin: secondAdmin.id,
      held: heldMembership.id,
      pending: pendingMembership.id,
    },
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
      secondStepPending: login(pending.email),
      heldAdministrator: login(held.email),
    },
    twoStep: { pendingFactorId: randomUUID() },
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

// The cookies a browser holds between the password step and the session, by name: a sign-in that
// sets other names fails `signInPending` rather than testing a different state.
const SECOND_STEP_COOKIE = "gatehouse.second-step";
const SESSION_COOKIE = "gatehouse.session";

function cookieNames(client: ActionClient): string[] {
  return client
    .cookieHeader()
    .split("; ")
    .filter(Boolean)
    .map((pair) => pair.slice(0, pair.indexOf("=")));
}

/**
 * "Password verified, second step pending": signs in with the password an account that has a
 * confirmed factor. The sign-in must answer with the second-step page, hand the sealed
 * second-step state and no session cookie; the client keeps sending that state with every
 * request (a browser would send it to the sign-in pages only).
 */
export async function signInPending(
  baseUrl: string,
  actions: ActionInfo[],
  login: { email: string; password: string },
): Promise<ActionClient> {
  const client = new ActionClient(baseUrl, actions);
  const signIn = client.find("app/sign-in/actions.ts", "signInAction");
  const response = await client.call(signIn, [login], { path: "/sign-in" });
  const names = cookieNames(client);
  if (
    response.redirect !== "/sign-in/two-step" ||
    !names.includes(SECOND_STEP_COOKIE) ||
    names.includes(SESSION_COOKIE)
  )
    throw new Error(
      `the password step of ${login.email} did not leave a pending second step: redirect ${response.redirect}, cookies ${names.join(", ")}`,
    );
  return client;
}

/** Whether the client holds a session cookie (the pending identity must not, until its second step). */
export function holdsSession(client: ActionClient): boolean {
  return cookieNames(client).includes(SESSION_COOKIE);
}

/** An authenticator app enrolled through the product: the secret it showed and the recovery codes of a first factor. */
export type EnrolledAuthenticator = {
  /** Base32, without the spaces the page groups it with. */
  secret: string;
  /** As the page shows it, in groups of four. */
  groupedSecret: string;
  recoveryCodes: string[];
  /** The time step of the confirming code: the account's next code must be of a later one. */
  lastStep: number;
};

/** The authenticator-app code of the current time step. */
export function totpCode(secret: string, step = totpStepAt()): string {
  return totpCodeAt(decodeBase32IgnorePadding(secret), step);
}

/** Start on the enrollment page: the product makes the secret, seals it, and shows it once. */
export async function startAuthenticator(
  client: ActionClient,
): Promise<{ factorId: string; secret: string; groupedSecret: string }> {
  const start = client.find("app/two-step/setup/actions.ts", "startTotpAction");
  const started = (await client.call(start, [], { path: "/two-step/setup" })).result as
    { ok: boolean; data?: { factorId: string; secret: string } } | undefined;
  if (!started?.ok || !started.data) throw new Error(`could not start an enrollment: ${JSON.stringify(started)}`);
  const { factorId, secret: groupedSecret } = started.data;
  return { factorId, secret: groupedSecret.replace(/\s+/g, ""), groupedSecret };
}

/**
 * Adds an authenticator app to the signed-in client's account the way the enrollment page does:
 * Start, then Confirm with the code of the current time step, computed here from the secret the
 * page showed.
 */
export async function enrollAuthenticator(client: ActionClient): Promise<EnrolledAuthenticator> {
  const { factorId, secret, groupedSecret } = await startAuthenticator(client);
  const confirm = client.find("app/two-step/setup/actions.ts", "confirmTotpAction");
  const lastStep = totpStepAt();
  const confirmed = (
    await client.call(confirm, [{ factorId, code: totpCode(secret, lastStep) }], { path: "/two-step/setup" })
  ).result as { ok: boolean; data?: { recoveryCodes: string[] | null } } | undefined;
  if (!confirmed?.ok) throw new Error(`could not confirm an enrollment: ${JSON.stringify(confirmed)}`);
  return { secret, groupedSecret, recoveryCodes: confirmed.data?.recoveryCodes ?? [], lastStep };
}
