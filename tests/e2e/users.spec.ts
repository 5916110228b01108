import { eq } from "drizzle-orm";
import type { Page } from "@playwright/test";
import type { Database } from "@/db/client";
import { fillOrganization } from "@/db/seed-data";
import { accounts, emailOutbox, invitations, memberships } from "@/db/schema";
import { testPasswordHash } from "../support/factories";
import { expect, expectAccessible, screenshot, seedOrganization, signIn, test } from "./support/fixtures";

let counter = 0;
const address = (prefix: string) => `${prefix}.${Date.now().toString(36)}${counter++}@example.com`;

const rowOf = (page: Page, text: string) => page.getByRole("row").filter({ hasText: text });

async function openUsers(page: Page, slug: string, search = "") {
  await page.goto(`/o/${slug}/admin/users${search}`);
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
}

/** An invited person as the wizard leaves them, with their invitation email in a given delivery state. */
async function seedInvitation(
  db: Database,
  organizationId: string,
  inviterId: string,
  options: {
    /** The address's local part begins with it. */
    prefix: string;
    passwordDelivery: "none" | "manual";
    expired?: boolean;
    emailStatus?: "queued" | "failed";
    lastError?: string;
  },
) {
  const email = address(options.prefix);
  const [account] = await db
    .insert(accounts)
    .values({
      email,
      emailNormalized: email,
      // As Send Invite names an account it creates: the address's local part.
      name: email.split("@")[0]!,
      passwordHash: testPasswordHash("temporary-password"),
      passwordIsTemporary: options.passwordDelivery !== "none",
    })
    .returning();
  const [membership] = await db
    .insert(memberships)
    .values({
      organizationId,
      accountId: account!.id,
      role: "administrator",
      status: "invited",
      invitedByAccountId: inviterId,
      invitedAt: new Date(),
    })
    .returning();
  const [outbox] = await db
    .insert(emailOutbox)
    .values({
      organizationId,
      template: "invitation",
      locale: "en",
      toAddress: email,
      payload: {},
      status: options.emailStatus ?? "queued",
      lastError: options.lastError ?? null,
      nextAttemptAt: new Date(Date.now() + 86_400_000),
    })
    .returning();
  const [invitation] = await db
    .insert(invitations)
    .values({
      organizationId,
      accountId: account!.id,
      membershipId: membership!.id,
      email,
      emailNormalized: email,
      role: "administrator",
      invitedByAccountId: inviterId,
      keyHash: "c".repeat(64),
      expiresAt: new Date(Date.now() + (options.expired ? -1 : 7) * 86_400_000),
      locale: "en",
      passwordDelivery: options.passwordDelivery,
      lastEmailId: outbox!.id,
    })
    .returning();
  if (options.passwordDelivery !== "none")
    await db.update(accounts).set({ createdByInvitationId: invitation!.id }).where(eq(accounts.id, account!.id));
  return { account: account!, invitation: invitation! };
}

test("search, filters and pagination live in the URL; empty results say so", async ({ page, db }) => {
  // Many page loads on a shared machine: more time than the default, not a speed expectation.
  test.slow();
  const { org, owner, addAccount, addMember } = await seedOrganization(db, "Pagination Co");
  await fillOrganization(db, org.id, {
    members: 60,
    invitations: 6,
    passwordHash: testPasswordHash("seeded"),
    invitedByAccountId: owner.id,
  });
  const zelda = await addAccount({ name: "Zelda Quartz", email: address("zq") });
  await addMember(zelda.id, { role: "user", status: "disabled" });
  await signIn(page, owner.email);
  await openUsers(page, org.slug);

  const table = page.getByRole("table", { name: "Members and invitations" });
  await expect(table.getByRole("row")).toHaveCount(26);
  await expect(page.getByText("1–25 of 68")).toBeVisible();
  await expect(page.getByText("Page 1 of 3")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "users-list");

  await page.getByRole("navigation", { name: "Pagination" }).getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/\?page=2$/);
  await expect(page.getByText("26–50 of 68")).toBeVisible();

  await page.getByRole("searchbox", { name: "Search by name or email" }).fill("QUARTZ");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=QUARTZ/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(rowOf(page, "Zelda Quartz")).toContainText("Disabled");

  // By address, with a filter; a reload keeps the view.
  await page.getByRole("searchbox", { name: "Search by name or email" }).fill(zelda.email.slice(0, 8));
  await page.getByRole("combobox", { name: "Status" }).selectOption({ label: "Disabled" });
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/status=disabled/);
  await page.reload();
  await expect(page.getByRole("combobox", { name: "Status" })).toHaveValue("disabled");
  await expect(table.getByRole("row")).toHaveCount(2);

  await openUsers(page, org.slug, "?status=disabled&role=user");
  const disabledRows = table.getByRole("row").filter({ hasNot: page.getByRole("columnheader") });
  const count = await disabledRows.count();
  expect(count).toBeGreaterThan(1);
  for (let i = 0; i < count; i++) {
    await expect(disabledRows.nth(i)).toContainText("Disabled");
    await expect(disabledRows.nth(i)).toContainText("User");
  }

  await openUsers(page, org.slug, "?status=expired");
  await expect(table.getByRole("row").nth(1)).toContainText("Invitation expired");

  await openUsers(page, org.slug, "?q=nobody-at-all");
  await expect(page.getByRole("heading", { name: "No users match your search" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "users-no-results");
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}/admin/users$`));
  await expect(table.getByRole("row")).toHaveCount(26);
});

test("the recommendation shows while there is one active administrator; Edit promotes and demotes", async ({
  page,
  db,
}) => {
  const { org, owner, addAccount, addMember } = await seedOrganization(db, "Lonely Co");
  await signIn(page, owner.email);
  await openUsers(page, org.slug);
  const recommendation = page.getByText("We strongly recommend inviting at least one other administrator.");
  await expect(recommendation).toBeVisible();
  await expect(page.getByRole("heading", { name: "You are the only member so far" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add Administrator" })).toHaveCount(2);
  await expect(rowOf(page, owner.email).getByText("Owner", { exact: true })).toBeVisible();
  await expect(rowOf(page, owner.email).getByRole("button", { name: /^Delete/ })).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, "users-recommendation");

  const uma = await addAccount({ name: "Uma User", email: address("uma") });
  await addMember(uma.id, { role: "user" });
  await page.reload();
  await rowOf(page, "Uma User").getByRole("button", { name: "Edit Uma User" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit Uma User" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("radio", { name: "Administrator" }).check();
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog).toBeHidden();
  await expect(recommendation).toBeHidden();
  await expect(rowOf(page, "Uma User")).toContainText("Administrator");

  await rowOf(page, "Uma User").getByRole("button", { name: "Edit Uma User" }).click();
  await dialog.getByRole("radio", { name: "User" }).check();
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog).toBeHidden();
  await expect(recommendation).toBeVisible();

  // Clicking the recommendation's button opens the wizard.
  await page.getByRole("button", { name: "Add Administrator" }).nth(1).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}/admin/users/invite$`));
});

test("Edit: Privileged needs an access expiry; the owner cannot be demoted", async ({ page, db }) => {
  const { org, owner, addAccount, addMember } = await seedOrganization(db, "Edit Co");
  const vic = await addAccount({ name: "Vic Vendor", email: address("vic") });
  await addMember(vic.id, { role: "user" });
  await signIn(page, owner.email);
  await openUsers(page, org.slug);

  await rowOf(page, "Vic Vendor").getByRole("button", { name: "Edit Vic Vendor" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit Vic Vendor" });
  await dialog.getByRole("checkbox", { name: "External" }).check();
  await dialog.getByRole("checkbox", { name: "Privileged" }).check();
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog.getByText("Privileged access needs an access expiry date.").first()).toBeVisible();
  await expect(dialog.getByLabel("Access expiry")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);
  await screenshot(page, "users-edit-dialog-error");
  const expiry = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  await dialog.getByLabel("Access expiry").fill(expiry);
  await dialog.getByRole("checkbox", { name: "Enabled" }).uncheck();
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog).toBeHidden();
  const row = rowOf(page, "Vic Vendor");
  await expect(row).toContainText("Privileged");
  await expect(row).toContainText("External");
  await expect(row).toContainText("Disabled");
  await expect(row).toContainText("Access until");
  const [stored] = await db.select().from(memberships).where(eq(memberships.accountId, vic.id));
  expect(stored).toMatchObject({ status: "disabled", tags: ["external", "privileged"] });

  await rowOf(page, owner.email).getByRole("button", { name: /^Edit/ }).click();
  const ownerDialog = page.getByRole("dialog");
  await ownerDialog.getByRole("radio", { name: "User" }).check();
  await ownerDialog.getByRole("button", { name: "Save changes" }).click();
  await expect(ownerDialog.getByText("The owner stays an administrator. Transfer ownership first.")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "users-edit-owner-refused");
});

test("Delete takes effect at once; Set as owner moves the crown", async ({ page, db, browser }) => {
  const { org, owner, addAccount, addMember } = await seedOrganization(db, "Crown Co");
  const dee = await addAccount({ name: "Dee Departing", email: address("dee") });
  await addMember(dee.id, { role: "administrator" });
  const nat = await addAccount({ name: "Nat Next", email: address("nat") });
  await addMember(nat.id, { role: "administrator" });

  const deeContext = await browser.newContext();
  const deePage = await deeContext.newPage();
  await signIn(deePage, dee.email);
  await deePage.goto(`/o/${org.slug}/admin/users`);
  await expect(deePage.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();

  await signIn(page, owner.email);
  await openUsers(page, org.slug);
  await rowOf(page, "Dee Departing").getByRole("button", { name: "Delete Dee Departing" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete Dee Departing?" });
  await expect(confirm).toContainText("Dee Departing loses access to Crown Co at once.");
  await expectAccessible(page);
  await screenshot(page, "users-delete-dialog");
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(confirm).toBeHidden();
  await expect(rowOf(page, "Dee Departing")).toHaveCount(0);
  const response = await deePage.reload();
  expect(response?.status()).toBe(404);
  await deeContext.close();

  await rowOf(page, "Nat Next").getByRole("button", { name: "Set Nat Next as owner" }).click();
  const transfer = page.getByRole("dialog", { name: "Make Nat Next the owner?" });
  await expectAccessible(page);
  await screenshot(page, "users-set-owner-dialog");
  await transfer.getByRole("button", { name: "Set as owner" }).click();
  await expect(transfer).toBeHidden();
  await expect(rowOf(page, "Nat Next").getByText("Owner", { exact: true })).toBeVisible();
  await expect(rowOf(page, owner.email).getByText("Owner", { exact: true })).toHaveCount(0);
  await expect(rowOf(page, owner.email)).toContainText("Administrator");
  // Only the owner offers the crown: the former owner no longer can.
  await expect(page.getByRole("button", { name: /as owner$/ })).toHaveCount(0);
});

test("Re-invite shows a new temporary password once; Cancel invitation removes the unused account", async ({
  page,
  db,
}) => {
  const { org, owner } = await seedOrganization(db, "Invite Co");
  const lapsed = await seedInvitation(db, org.id, owner.id, {
    prefix: "lee",
    passwordDelivery: "manual",
    expired: true,
    emailStatus: "failed",
    lastError: "Mailbox full",
  });
  const pending = await seedInvitation(db, org.id, owner.id, { prefix: "pia", passwordDelivery: "manual" });
  await signIn(page, owner.email);
  await openUsers(page, org.slug);

  // Invited, not yet accepted: each row is named by the address's local part.
  const leeName = lapsed.account.email.split("@")[0]!;
  const piaName = pending.account.email.split("@")[0]!;
  const lee = rowOf(page, leeName);
  await expect(lee).toContainText("Invitation expired");
  await expect(lee).toContainText("Email failed (Mailbox full)");
  await expect(rowOf(page, piaName)).toContainText("Invited");
  await expect(rowOf(page, piaName)).toContainText("Email queued");

  await lee.getByRole("button", { name: `Re-invite ${leeName}` }).click();
  const dialog = page.getByRole("dialog", { name: `Re-invite ${leeName}?` });
  // System Settings – General says Ask (the default): the dialog asks, as the wizard does.
  const handOver = dialog.getByRole("radio", { name: "Don't send it: I will give it to the invitee myself" });
  await expect(handOver).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "users-reinvite-dialog");
  await dialog.getByRole("button", { name: "Re-invite" }).click();
  await expect(dialog.getByRole("alert")).toContainText("Choose how the temporary password reaches the invitee.");
  await handOver.check();
  await dialog.getByRole("button", { name: "Re-invite" }).click();
  const done = page.getByRole("dialog", { name: "Invitation sent again" });
  const password = done.getByRole("textbox", { name: "Temporary password" });
  await expect(password).toHaveValue(/^[A-Za-z2-9]{16}$/);
  await expect(done.getByRole("button", { name: "Copy" })).toBeVisible();
  await expect(done.getByRole("button", { name: "Download PDF" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "users-reinvite-password");
  await done.getByRole("button", { name: "Done" }).click();
  await expect(lee).toContainText("Invited");
  await expect(lee).not.toContainText("Invitation expired");
  await expect(lee).toContainText(/Email (queued|sent)/);
  // The outbox delivers the new invitation to the stand-in for Resend, with the new link.
  await expect
    .poll(
      async () => {
        const emails = (await (await fetch(`${process.env.E2E_RESEND_URL}/__emails`)).json()) as {
          to: string[];
          text?: string;
        }[];
        return emails.filter((e) => e.to.includes(lapsed.account.email)).map((e) => e.text ?? "");
      },
      { timeout: 20_000 },
    )
    .toEqual([expect.stringContaining(`/invite/${lapsed.invitation.id}?key=`)]);
  const [after] = await db.select().from(invitations).where(eq(invitations.id, lapsed.invitation.id));
  expect(after).toMatchObject({ status: "pending", sendCount: 2 });
  expect(after!.keyHash).not.toBe(lapsed.invitation.keyHash);

  await rowOf(page, piaName)
    .getByRole("button", { name: `Cancel invitation for ${piaName}` })
    .click();
  const cancel = page.getByRole("dialog", { name: `Cancel the invitation to ${pending.account.email}?` });
  await expectAccessible(page);
  await screenshot(page, "users-cancel-dialog");
  await cancel.getByRole("button", { name: "Cancel invitation" }).click();
  await expect(cancel).toBeHidden();
  await expect(rowOf(page, piaName)).toHaveCount(0);
  expect(await db.select().from(accounts).where(eq(accounts.id, pending.account.id))).toEqual([]);
});

test("a member whose access ends within a day is warned", async ({ page, db }) => {
  const { org, addAccount, addMember } = await seedOrganization(db, "Expiring Co");
  const tess = await addAccount({ name: "Tess Temp", email: address("tess") });
  await addMember(tess.id, { role: "user", accessExpiresAt: new Date(Date.now() + 3 * 3_600_000) });
  await signIn(page, tess.email);
  await page.goto(`/o/${org.slug}`);
  await expect(page.getByRole("status").filter({ hasText: "Your access to Expiring Co ends on" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "access-ending-warning");
});
