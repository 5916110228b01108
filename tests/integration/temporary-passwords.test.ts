import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, emailOutbox, invitations } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { authenticateWithPassword } from "@/lib/auth/authenticate";
import { changeTemporaryPassword } from "@/lib/auth/change-password";
import { verifyPassword } from "@/lib/auth/password";
import { openSecret } from "@/lib/email/secret-box";
import { DomainError } from "@/lib/errors";
import { completeNewAccount, verifyTemporaryPassword } from "@/lib/invitations/accept";
import { sendInvitations } from "@/lib/invitations/create";
import { cancelInvitation, previewReinvite, reinvite } from "@/lib/invitations/manage";
import { claimPasswordSheet } from "@/lib/invitations/password-sheet";
import type { OrganizationSettings } from "@/db/schema";
import { withTestDatabase } from "../support/db";
import { createAccount, createOrganizationWithOwner, DEFAULT_PASSWORD, uniqueEmail } from "../support/factories";
import { expectDomainError, sendInput, setSettings } from "./invitations-support";

// A temporary password belongs to the invitation that issued it: it works only while that
// invitation is pending, and a re-invite, a cancellation, an expiry or an acceptance ends it.
// Each "stale" check below is a password that must no longer work; each "works" check is the
// positive control that the same call succeeds with the password that should.

const t = withTestDatabase();
const NEW_PASSWORD = "seven amber lanterns drifting east";
type Policy = OrganizationSettings["temporaryPasswordPolicy"];

let ipCounter = 0;
// A fresh address per attempt keeps the per-IP limits out of the way of what is tested here.
const meta = () => ({ ip: `198.51.100.${(++ipCounter % 250) + 1}`, userAgent: "vitest" });

async function organization(policy: Policy) {
  const { org, actor } = await createOrganizationWithOwner(t.db(), "Initech");
  await setSettings(t.db(), org.id, { temporaryPasswordPolicy: policy });
  return { org, actor };
}

/** The invitation email last queued for an invitation, with its sealed secret opened. */
async function lastEmail(invitationId: string) {
  const [invitation] = await t.db().select().from(invitations).where(eq(invitations.id, invitationId));
  const [email] = await t.db().select().from(emailOutbox).where(eq(emailOutbox.id, invitation!.lastEmailId!));
  const secret = JSON.parse(openSecret(email!.secretCiphertext!)) as { key: string; temporaryPassword?: string };
  return { invitation: invitation!, email: email!, secret };
}

/** A new account invited through the wizard's Send Invite, its temporary password as the invitee gets it. */
async function inviteNewAccount(actor: Actor, passwordDelivery: "email" | "manual" | null = null) {
  const address = uniqueEmail("temp");
  const result = await sendInvitations(actor, sendInput(address, { passwordDelivery }));
  const line = result.invitations[0];
  if (line?.outcome !== "sent") throw new Error(`not sent: ${JSON.stringify(line)}`);
  const { secret } = await lastEmail(line.invitationId);
  const password = line.temporaryPassword ?? secret.temporaryPassword;
  if (!password) throw new Error("no temporary password issued");
  const [account] = await t.db().select().from(accounts).where(eq(accounts.emailNormalized, address));
  return { address, invitationId: line.invitationId, key: secret.key, password, accountId: account!.id };
}

async function account(id: string) {
  const [row] = await t.db().select().from(accounts).where(eq(accounts.id, id));
  return row;
}

/** Whether the sign-in page lets this address and password in. */
async function signsIn(email: string, password: string): Promise<boolean> {
  try {
    await authenticateWithPassword({ email, password }, meta());
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.code === "invalidCredentials") return false;
    throw error;
  }
}

/** Whether the invitation page (with the invitation's current key) accepts this temporary password. */
async function opensInvitation(invitationId: string, key: string, temporaryPassword: string): Promise<boolean> {
  try {
    await verifyTemporaryPassword({ invitationId, key, temporaryPassword }, meta());
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}

async function lapse(invitationId: string) {
  await t
    .db()
    .update(invitations)
    .set({ expiresAt: new Date(Date.now() - 60_000) })
    .where(eq(invitations.id, invitationId));
}

describe("re-inviting an account the invitation created", () => {
  it("Not send: used once, lapsed, re-invited — the old password is dead everywhere, the new one is shown once and works", async () => {
    const { actor } = await organization("not_send");
    const first = await inviteNewAccount(actor);
    expect(await signsIn(first.address, first.password)).toBe(true);
    const signedInVersion = (await account(first.accountId))!.sessionVersion;
    await lapse(first.invitationId);

    const result = await reinvite(actor, { invitationId: first.invitationId });
    expect(result.passwordDelivery).toBe("manual");
    expect(result.temporaryPassword).toMatch(/^[A-Za-z2-9]{16}$/);
    expect(result.temporaryPassword).not.toBe(first.password);
    const { invitation, email, secret } = await lastEmail(first.invitationId);
    expect(secret.temporaryPassword).toBeUndefined();
    expect(email.payload).toMatchObject({ variant: "new-without-password" });
    expect(invitation.passwordDelivery).toBe("manual");

    // Stale: the old password, at sign-in and on the invitation page with the new link.
    expect(await signsIn(first.address, first.password)).toBe(false);
    expect(await opensInvitation(first.invitationId, secret.key, first.password)).toBe(false);
    // Sessions opened with the old password end: they could otherwise still choose a password.
    const after = await account(first.accountId);
    expect(after!.sessionVersion).toBeGreaterThan(signedInVersion);
    expect(after!.temporaryPasswordInvitationId).toBe(first.invitationId);
    // Works: the new password.
    expect(await opensInvitation(first.invitationId, secret.key, result.temporaryPassword!)).toBe(true);
    expect(await signsIn(first.address, result.temporaryPassword!)).toBe(true);

    // The password sheet carries the new password and the new link, once.
    const sheet = await claimPasswordSheet(actor, result.passwordSheetToken!);
    expect(sheet.temporaryPassword).toBe(result.temporaryPassword);
    expect(sheet.invitationUrl).toContain(`key=${encodeURIComponent(secret.key)}`);
    await expectDomainError(claimPasswordSheet(actor, result.passwordSheetToken!), "invite-wizard.sheetUnavailable");
  });

  it("a password never used is replaced too, and each re-invite rotates it: only the latest works", async () => {
    const { actor } = await organization("not_send");
    const first = await inviteNewAccount(actor);
    const second = await reinvite(actor, { invitationId: first.invitationId });
    const third = await reinvite(actor, { invitationId: first.invitationId });
    const { secret } = await lastEmail(first.invitationId);
    for (const stale of [first.password, second.temporaryPassword!]) {
      expect(await signsIn(first.address, stale)).toBe(false);
      expect(await opensInvitation(first.invitationId, secret.key, stale)).toBe(false);
    }
    expect(await opensInvitation(first.invitationId, secret.key, third.temporaryPassword!)).toBe(true);
  });

  it("Send at the moment of the re-invite: the new password is emailed, not returned, although the first was handed over", async () => {
    const { org, actor } = await organization("not_send");
    const first = await inviteNewAccount(actor);
    expect(await signsIn(first.address, first.password)).toBe(true);
    await setSettings(t.db(), org.id, { temporaryPasswordPolicy: "send" });

    const result = await reinvite(actor, { invitationId: first.invitationId });
    expect(result).toMatchObject({ passwordDelivery: "email" });
    expect(result.temporaryPassword).toBeUndefined();
    expect(result.passwordSheetToken).toBeUndefined();
    const { invitation, email, secret } = await lastEmail(first.invitationId);
    expect(email.payload).toMatchObject({ variant: "new-with-password" });
    expect(invitation.passwordDelivery).toBe("email");
    expect(await verifyPassword(secret.temporaryPassword!, (await account(first.accountId))!.passwordHash!)).toBe(true);
    expect(await signsIn(first.address, first.password)).toBe(false);
    expect(await opensInvitation(first.invitationId, secret.key, secret.temporaryPassword!)).toBe(true);
  });

  it("Not send at the moment of the re-invite: nothing emailed although the first password was (finding 12)", async () => {
    const { org, actor } = await organization("send");
    const first = await inviteNewAccount(actor);
    await setSettings(t.db(), org.id, { temporaryPasswordPolicy: "not_send" });

    const result = await reinvite(actor, { invitationId: first.invitationId });
    expect(result.passwordDelivery).toBe("manual");
    const { invitation, email, secret } = await lastEmail(first.invitationId);
    expect(secret.temporaryPassword).toBeUndefined();
    expect(JSON.stringify(email)).not.toContain(result.temporaryPassword!);
    expect(invitation.passwordDelivery).toBe("manual");
    expect(await signsIn(first.address, first.password)).toBe(false);
    expect(await opensInvitation(first.invitationId, secret.key, result.temporaryPassword!)).toBe(true);
  });

  it("Ask: refused without a choice (nothing changes, the current password still works), then follows the choice", async () => {
    const { actor } = await organization("ask");
    const first = await inviteNewAccount(actor, "manual");
    expect(await previewReinvite(actor, { invitationId: first.invitationId })).toEqual({
      issuesTemporaryPassword: true,
      passwordPolicy: "ask",
    });
    const before = await lastEmail(first.invitationId);

    const error = await reinvite(actor, { invitationId: first.invitationId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "invite-wizard.deliveryRequired", options: { field: "passwordDelivery" } });
    expect((await lastEmail(first.invitationId)).invitation).toEqual(before.invitation);
    expect(await opensInvitation(first.invitationId, before.secret.key, first.password)).toBe(true);

    const emailed = await reinvite(actor, { invitationId: first.invitationId, passwordDelivery: "email" });
    expect(emailed.temporaryPassword).toBeUndefined();
    const afterEmail = await lastEmail(first.invitationId);
    expect(afterEmail.invitation.passwordDelivery).toBe("email");
    expect(await opensInvitation(first.invitationId, afterEmail.secret.key, afterEmail.secret.temporaryPassword!)).toBe(
      true,
    );

    const handed = await reinvite(actor, { invitationId: first.invitationId, passwordDelivery: "manual" });
    const afterManual = await lastEmail(first.invitationId);
    expect(afterManual.secret.temporaryPassword).toBeUndefined();
    expect(afterManual.invitation.passwordDelivery).toBe("manual");
    for (const stale of [first.password, afterEmail.secret.temporaryPassword!]) {
      expect(await signsIn(first.address, stale)).toBe(false);
    }
    expect(await signsIn(first.address, handed.temporaryPassword!)).toBe(true);
  });
});

describe("re-inviting an account the invitation did not create", () => {
  it("issues no password under any setting and leaves the account's password alone", async () => {
    const { org, actor } = await organization("ask");
    const existing = await createAccount(t.db(), { email: uniqueEmail("existing") });
    const sent = await sendInvitations(actor, sendInput(existing.email));
    const invitationId = sent.invitations[0]!.outcome === "sent" ? sent.invitations[0]!.invitationId : "";
    expect(await previewReinvite(actor, { invitationId })).toMatchObject({ issuesTemporaryPassword: false });
    for (const policy of ["ask", "send", "not_send"] as const) {
      await setSettings(t.db(), org.id, { temporaryPasswordPolicy: policy });
      const result = await reinvite(actor, { invitationId });
      expect(result).toMatchObject({ passwordDelivery: null });
      expect(result.temporaryPassword).toBeUndefined();
      const { email, secret, invitation } = await lastEmail(invitationId);
      expect(secret.temporaryPassword).toBeUndefined();
      expect(email.payload).toMatchObject({ variant: "existing" });
      expect(invitation.passwordDelivery).toBe("none");
    }
    expect((await account(existing.id))!.passwordHash).toBe(existing.passwordHash);
    expect(await signsIn(existing.email, DEFAULT_PASSWORD)).toBe(true);
  });

  it("another organization's re-invite of an account with a temporary password leaves that password to its invitation", async () => {
    const { actor: a } = await organization("not_send");
    const { actor: b } = await organization("not_send");
    const first = await inviteNewAccount(a);
    const sent = await sendInvitations(b, sendInput(first.address));
    const other = sent.invitations[0]!.outcome === "sent" ? sent.invitations[0]!.invitationId : "";
    const result = await reinvite(b, { invitationId: other });
    expect(result.temporaryPassword).toBeUndefined();
    expect((await account(first.accountId))!.temporaryPasswordInvitationId).toBe(first.invitationId);
    expect(await signsIn(first.address, first.password)).toBe(true);
  });
});

describe("cancelling, expiring and accepting end the temporary password", () => {
  it("cancel: an account kept because it was used loses its temporary password and its sessions", async () => {
    const { actor } = await organization("not_send");
    const first = await inviteNewAccount(actor);
    expect(await signsIn(first.address, first.password)).toBe(true);
    const version = (await account(first.accountId))!.sessionVersion;

    const result = await cancelInvitation(actor, { invitationId: first.invitationId });
    expect(result.accountRemoved).toBe(false);
    const after = await account(first.accountId);
    expect(after).toMatchObject({
      passwordHash: null,
      temporaryPasswordInvitationId: null,
      passwordIsTemporary: false,
    });
    expect(after!.sessionVersion).toBeGreaterThan(version);
    expect(await signsIn(first.address, first.password)).toBe(false);
    expect(await opensInvitation(first.invitationId, first.key, first.password)).toBe(false);
  });

  it("cancel: an account kept because another organization invited it meanwhile loses the cancelled invitation's password", async () => {
    const { actor: a } = await organization("not_send");
    const { actor: b } = await organization("not_send");
    const first = await inviteNewAccount(a);
    await sendInvitations(b, sendInput(first.address));
    expect(await signsIn(first.address, first.password)).toBe(true);
    expect((await cancelInvitation(a, { invitationId: first.invitationId })).accountRemoved).toBe(false);
    expect(await signsIn(first.address, first.password)).toBe(false);
  });

  it("cancel: an account created for the invitation and never used is deleted", async () => {
    const { actor } = await organization("not_send");
    const first = await inviteNewAccount(actor);
    expect((await cancelInvitation(actor, { invitationId: first.invitationId })).accountRemoved).toBe(true);
    expect(await account(first.accountId)).toBeUndefined();
    expect(await signsIn(first.address, first.password)).toBe(false);
  });

  it("expiry: the password stops working at sign-in and on the invitation page once the invitation lapses", async () => {
    const { actor } = await organization("not_send");
    const first = await inviteNewAccount(actor);
    expect(await opensInvitation(first.invitationId, first.key, first.password)).toBe(true);
    expect(await signsIn(first.address, first.password)).toBe(true);
    await lapse(first.invitationId);
    expect(await signsIn(first.address, first.password)).toBe(false);
    expect(await opensInvitation(first.invitationId, first.key, first.password)).toBe(false);
  });

  it("accepted on the invitation page: the temporary password is gone and owned by nothing", async () => {
    const { actor } = await organization("not_send");
    const first = await inviteNewAccount(actor);
    await completeNewAccount(
      {
        invitationId: first.invitationId,
        key: first.key,
        temporaryPassword: first.password,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      },
      meta(),
    );
    expect(await account(first.accountId)).toMatchObject({
      passwordIsTemporary: false,
      temporaryPasswordInvitationId: null,
    });
    expect(await signsIn(first.address, first.password)).toBe(false);
    expect(await signsIn(first.address, NEW_PASSWORD)).toBe(true);
    await expectDomainError(reinvite(actor, { invitationId: first.invitationId }), "users.invitationClosed");
  });

  it("accepted through the change-password page: only the invitation that issued the password is accepted", async () => {
    const { actor: a } = await organization("not_send");
    const { actor: b } = await organization("not_send");
    const first = await inviteNewAccount(a);
    const sent = await sendInvitations(b, sendInput(first.address));
    const other = sent.invitations[0]!.outcome === "sent" ? sent.invitations[0]!.invitationId : "";
    expect(await signsIn(first.address, first.password)).toBe(true);
    const row = (await account(first.accountId))!;
    const me = { id: row.id, email: row.email, name: row.name, locale: row.locale, passwordIsTemporary: true };

    const done = await changeTemporaryPassword(
      me,
      { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      meta(),
    );
    expect(done.organizationSlug).toBe(a.organizationSlug);
    const statuses = await t.db().select({ id: invitations.id, status: invitations.status }).from(invitations);
    expect(statuses.find((s) => s.id === first.invitationId)?.status).toBe("accepted");
    expect(statuses.find((s) => s.id === other)?.status).toBe("pending");
    expect(await account(first.accountId)).toMatchObject({
      passwordIsTemporary: false,
      temporaryPasswordInvitationId: null,
    });
    expect(await signsIn(first.address, first.password)).toBe(false);
  });

  it("the change-password page refuses a temporary password whose invitation lapsed, even with another invitation pending", async () => {
    const { actor: a } = await organization("not_send");
    const { actor: b } = await organization("not_send");
    const first = await inviteNewAccount(a);
    await sendInvitations(b, sendInput(first.address));
    await lapse(first.invitationId);
    const row = (await account(first.accountId))!;
    const me = { id: row.id, email: row.email, name: row.name, locale: row.locale, passwordIsTemporary: true };
    await expectDomainError(
      changeTemporaryPassword(me, { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, meta()),
      "password.temporaryExpired",
    );
    expect((await account(first.accountId))!.passwordIsTemporary).toBe(true);
  });
});

describe("the wizard's first invitation", () => {
  it("records the invitation that issued the temporary password on the new account", async () => {
    const { actor } = await organization("send");
    const first = await inviteNewAccount(actor);
    expect(await account(first.accountId)).toMatchObject({
      passwordIsTemporary: true,
      createdByInvitationId: first.invitationId,
      temporaryPasswordInvitationId: first.invitationId,
    });
  });
});
