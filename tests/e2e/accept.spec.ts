import { and, eq } from "drizzle-orm";
import type { Page } from "@playwright/test";
import { accounts, invitations, memberships, organizationSettings } from "@/db/schema";
import { createTestInvitation, replaceInvitationKey } from "../support/invitation-factories";
import {
  DEFAULT_PASSWORD,
  expect,
  inviteNewAccount,
  expectAccessible,
  screenshot,
  seedOrganization,
  signIn,
  test,
} from "./support/fixtures";
import { invitationLinkIn, lastEmailTo } from "./support/stand-in-emails";

const NEW_PASSWORD = "copper lantern over the quiet harbour";
const linkOf = (id: string, key: string) => `/invite/${id}?key=${encodeURIComponent(key)}`;

async function expectNothingOffered(page: Page) {
  await expect(page.getByRole("button", { name: "Accept invitation" })).toHaveCount(0);
  await expect(page.getByRole("textbox")).toHaveCount(0);
}

test("a new account, from the invitation email's link: GET and HEAD first change nothing, then temporary password, new password, signed in", async ({
  page,
  db,
  browser,
}) => {
  const { org, owner } = await seedOrganization(db, "Vandelay");
  await db
    .update(organizationSettings)
    .set({ temporaryPasswordPolicy: "send" })
    .where(eq(organizationSettings.organizationId, org.id));
  const inviteeEmail = `newcomer.${Date.now().toString(36)}@example.com`;

  // The administrator, in a browser of their own, sends the invitation through the wizard.
  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await signIn(adminPage, owner.email);
  await inviteNewAccount(adminPage, org.slug, inviteeEmail);
  await admin.close();

  const email = await lastEmailTo(page.request, inviteeEmail);
  const link = new URL(invitationLinkIn(email));
  const temporaryPassword = /^Temporary password: (\S+)$/m.exec(email.text ?? "")![1]!;
  const [invitation] = await db.select().from(invitations).where(eq(invitations.emailNormalized, inviteeEmail));
  const [account] = await db.select().from(accounts).where(eq(accounts.id, invitation!.accountId));
  if (!invitation || !account) throw new Error("the wizard wrote no invitation");
  const key = link.searchParams.get("key")!;
  expect(link.pathname).toBe(`/invite/${invitation.id}`);
  expect(email.text).toContain(`Key: ${key}`);

  // What a mail scanner does before the person clicks.
  const get = await page.request.get(linkOf(invitation.id, key));
  expect(get.status()).toBe(200);
  const head = await page.request.head(linkOf(invitation.id, key));
  expect(head.status()).toBe(200);
  const [untouched] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
  expect(untouched).toMatchObject({ status: "pending", updatedAt: invitation.updatedAt });

  const response = await page.goto(linkOf(invitation.id, key));
  expect(response!.headers()["referrer-policy"]).toBe("no-referrer");
  expect(response!.headers()["cache-control"]).toContain("no-store");
  await expect(page.getByRole("heading", { level: 1, name: "Join Vandelay" })).toBeVisible();
  const details = page.getByRole("definition");
  await expect(details.filter({ hasText: owner.email })).toBeVisible();
  await expect(details.filter({ hasText: "Administrator" })).toBeVisible();
  await expect(details.filter({ hasText: account.email })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "accept-new-1-temporary");

  await page.getByRole("textbox", { name: "Temporary password" }).fill("not the one");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("The temporary password is incorrect.", { exact: true })).toBeVisible();
  await page.getByRole("textbox", { name: "Temporary password" }).fill(temporaryPassword!);
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page.getByRole("textbox", { name: "New password", exact: true })).toBeFocused();
  await page.getByRole("textbox", { name: "New password", exact: true }).fill("passwordpassword");
  await page.getByRole("textbox", { name: "Confirm new password" }).fill("passwordpassword");
  await page.getByRole("button", { name: "Update Password" }).click();
  await expect(page.getByText("This password is too common. Choose one that is harder to guess.")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "accept-new-2-new-password-error");

  await page.getByRole("textbox", { name: "New password", exact: true }).fill(NEW_PASSWORD);
  await page.getByRole("textbox", { name: "Confirm new password" }).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Update Password" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}$`));
  await expect(page.getByText(`Signed in as ${account.name}`)).toBeVisible();

  const [after] = await db.select().from(accounts).where(eq(accounts.id, account.id));
  expect(after).toMatchObject({ passwordIsTemporary: false, createdByInvitationId: null });
  const [membership] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.organizationId, org.id), eq(memberships.accountId, account.id)));
  expect(membership?.status).toBe("active");

  const notice = await lastEmailTo(page.request, owner.email);
  expect(notice.subject).toContain("Vandelay");
  expect(notice.text).toContain(inviteeEmail);

  // The used link offers nothing any more.
  await page.goto(linkOf(invitation.id, key));
  await expect(page.getByRole("heading", { name: "This invitation has already been accepted" })).toBeVisible();
  await expectNothingOffered(page);
  await expectAccessible(page);
  await screenshot(page, "accept-used");
});

test("an existing account signed out: signs in on the page, then accepts", async ({ page, db }) => {
  const { org, owner, addAccount } = await seedOrganization(db, "Kramerica");
  const existing = await addAccount({ name: "Elaine Existing" });
  const { invitation, key } = await createTestInvitation(db, {
    organizationId: org.id,
    inviterAccountId: owner.id,
    account: existing,
  });

  await page.goto(linkOf(invitation.id, key));
  await expect(page.getByText(`Sign in as ${existing.email} to accept this invitation.`)).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Email" })).toHaveValue(existing.email);
  await expectAccessible(page);
  await screenshot(page, "accept-existing-signed-out");

  await page.getByRole("textbox", { name: "Password" }).fill(DEFAULT_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("button", { name: "Accept invitation" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "accept-existing-signed-in");
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}$`));
  const [row] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
  expect(row?.status).toBe("accepted");
});

test("an existing account already signed in accepts at once; another one can decline", async ({ page, db }) => {
  const { org, owner, addAccount } = await seedOrganization(db, "Pendant");
  const existing = await addAccount({ name: "Jerry Existing" });
  const { invitation, key } = await createTestInvitation(db, {
    organizationId: org.id,
    inviterAccountId: owner.id,
    account: existing,
  });
  await signIn(page, existing.email);
  await page.goto(linkOf(invitation.id, key));
  await expect(page.getByText(`You are signed in as ${existing.email}. Accept to join Pendant.`)).toBeVisible();
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}$`));
  await expect(
    page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Users" }),
  ).toBeVisible();

  const other = await createTestInvitation(db, {
    organizationId: (await seedOrganization(db, "Monk's")).org.id,
    inviterAccountId: null,
    account: existing,
  });
  await page.goto(linkOf(other.invitation.id, other.key));
  await page.getByRole("button", { name: "Decline" }).click();
  await expect(page.getByRole("heading", { name: "This invitation was declined" })).toBeVisible();
  await expectNothingOffered(page);
});

test("signed in as someone else: the page says who it is for and offers only Sign out", async ({ page, db }) => {
  const { org, owner, addAccount } = await seedOrganization(db, "Bania");
  const invitee = await addAccount({ name: "George Invitee" });
  const { invitation, key } = await createTestInvitation(db, {
    organizationId: org.id,
    inviterAccountId: owner.id,
    account: invitee,
  });
  await signIn(page, owner.email);
  await page.goto(linkOf(invitation.id, key));
  await expect(
    page.getByText(`This invitation is for ${invitee.email}. You are signed in as ${owner.email}.`),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Accept invitation" })).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, "accept-other-account");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText(`Sign in as ${invitee.email} to accept this invitation.`)).toBeVisible();
  const [row] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
  expect(row?.status).toBe("pending");
});

test("expired, cancelled, re-invited and wrong links say which, and offer nothing", async ({ page, db }) => {
  const { org, owner } = await seedOrganization(db, "Peterman");
  const expired = await createTestInvitation(db, {
    organizationId: org.id,
    inviterAccountId: owner.id,
    expiresAt: new Date(Date.now() - 60_000),
  });
  const cancelled = await createTestInvitation(db, {
    organizationId: org.id,
    inviterAccountId: owner.id,
    status: "revoked",
  });
  const reinvited = await createTestInvitation(db, { organizationId: org.id, inviterAccountId: owner.id });
  const newKey = await replaceInvitationKey(db, reinvited.invitation.id);

  await page.goto(linkOf(expired.invitation.id, expired.key));
  await expect(page.getByRole("heading", { name: "This invitation has expired" })).toBeVisible();
  await expect(page.getByText("Peterman")).toHaveCount(0);
  await expectNothingOffered(page);
  await expectAccessible(page);
  await screenshot(page, "accept-expired");

  await page.goto(linkOf(cancelled.invitation.id, cancelled.key));
  await expect(page.getByRole("heading", { name: "This invitation was cancelled" })).toBeVisible();
  await expectNothingOffered(page);
  await screenshot(page, "accept-cancelled");

  await page.goto(linkOf(reinvited.invitation.id, reinvited.key));
  await expect(page.getByRole("heading", { name: "This invitation link is not valid" })).toBeVisible();
  await expect(page.getByText("Peterman")).toHaveCount(0);
  await expectNothingOffered(page);
  await expectAccessible(page);
  await screenshot(page, "accept-invalid");

  await page.goto(linkOf(reinvited.invitation.id, newKey));
  await expect(page.getByRole("heading", { name: "Join Peterman" })).toBeVisible();
});

test("the invitation ID and key typed by hand open the invitation", async ({ page, db }) => {
  const { org, owner } = await seedOrganization(db, "Pendleton");
  const { invitation, key } = await createTestInvitation(db, { organizationId: org.id, inviterAccountId: owner.id });
  await page.goto("/invite");
  await expect(page.getByRole("heading", { name: "Open an invitation" })).toBeVisible();
  await page.getByRole("textbox", { name: "Invitation ID" }).fill(invitation.id);
  await page.getByRole("textbox", { name: "Key" }).fill("not-the-key");
  await page.getByRole("button", { name: "Open invitation" }).click();
  await expect(page.getByText("This invitation ID and key do not match any invitation.")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "accept-by-hand-error");
  await page.getByRole("textbox", { name: "Key" }).fill(` ${key} `);
  await page.getByRole("button", { name: "Open invitation" }).click();
  await expect(page.getByRole("heading", { name: "Join Pendleton" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Temporary password" })).toBeVisible();
});

test("the temporary password at the sign-in page leads only to the change-password page, which completes the invitation", async ({
  page,
  db,
}) => {
  const { org, owner } = await seedOrganization(db, "Sneed's");
  const { invitation, temporaryPassword, account } = await createTestInvitation(db, {
    organizationId: org.id,
    inviterAccountId: owner.id,
    kind: "new",
    passwordDelivery: "manual",
  });
  await signIn(page, account.email, temporaryPassword);
  await expect(page).toHaveURL(/\/change-password$/);
  await page.goto(`/o/${org.slug}`);
  await expect(page).toHaveURL(/\/change-password$/);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(page.getByText("Once you do, you join Sneed's.")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "change-password");

  await page.getByRole("textbox", { name: "New password", exact: true }).fill(temporaryPassword!);
  await page.getByRole("textbox", { name: "Confirm new password" }).fill(temporaryPassword!);
  await page.getByRole("button", { name: "Update Password" }).click();
  await expect(page.getByText("Choose a password different from the temporary one.")).toBeVisible();
  await page.getByRole("textbox", { name: "New password", exact: true }).fill(NEW_PASSWORD);
  await page.getByRole("textbox", { name: "Confirm new password" }).fill(`${NEW_PASSWORD}.`);
  await page.getByRole("button", { name: "Update Password" }).click();
  await expect(page.getByText("The passwords do not match.")).toBeVisible();
  await page.getByRole("textbox", { name: "Confirm new password" }).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Update Password" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}$`));
  const [row] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
  expect(row?.status).toBe("accepted");
});
