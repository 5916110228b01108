import { eq } from "drizzle-orm";
import { accounts, auditEvents } from "@/db/schema";
import { expect, expectAccessible, screenshot, seedOrganization, signIn, test } from "./support/fixtures";

test("an invite, a settings change and a member edit appear on the Audit log in English and in French", async ({
  page,
  db,
}) => {
  const { org, owner, addAccount, addMember } = await seedOrganization(db, "Audit Trail");
  await db.update(accounts).set({ name: "Olivia" }).where(eq(accounts.id, owner.id));
  const invitee = await addAccount({ name: "Nina New", email: `new.admin.${Date.now()}@example.com` });
  const member = await addAccount({ name: "Mark Member", email: `mark.${Date.now()}@example.com` });
  await addMember(member.id, { role: "user" });
  await signIn(page, owner.email);

  // The invite, through the Add Administrator wizard.
  await page.goto(`/o/${org.slug}/admin/users/invite`);
  await page.getByRole("textbox", { name: "Email" }).fill(invitee.email);
  await page.getByRole("textbox", { name: "Email" }).press("Enter");
  await expect(page.getByText(/^An account exists for this address/)).toBeVisible();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Send Invite" }).click();
  await expect(page.getByText("Invitation sent").first()).toBeVisible();

  // The settings change, through System Settings – General.
  await page.goto(`/o/${org.slug}/admin/settings/general`);
  await page.getByRole("radio", { name: "Not send", exact: true }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Settings saved.");

  // The member edit, through the Users page.
  await page.goto(`/o/${org.slug}/admin/users`);
  await page
    .getByRole("row")
    .filter({ hasText: "Mark Member" })
    .getByRole("button", { name: "Edit Mark Member" })
    .click();
  const dialog = page.getByRole("dialog", { name: "Edit Mark Member" });
  await dialog.getByRole("radio", { name: "Administrator" }).check();
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog).toBeHidden();

  await page.goto(`/o/${org.slug}`);
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  const table = page.getByRole("table", { name: "Audit events" });
  const rows = table.getByRole("row");
  // Newest first: the member edit, the settings change, the invitation, the organization.
  await expect(rows.nth(1)).toContainText(`Olivia edited the member ${member.email}`);
  await expect(rows.nth(1)).toContainText(/Role:\s*user → administrator/);
  await expect(rows.nth(2)).toContainText("Olivia changed the organization’s settings");
  await expect(rows.nth(2)).toContainText(/Send temporary password by email:\s*Ask → Not send/);
  await expect(rows.nth(3)).toContainText(`Olivia invited ${invitee.email} as administrator`);
  await expect(rows.nth(3)).toContainText(owner.email);
  await expect(table).not.toContainText(/password: [A-Za-z0-9]{12,}/i);
  await expectAccessible(page);
  await screenshot(page, "audit-log");

  // Filters: only the settings change.
  await page.getByRole("combobox", { name: "Action" }).selectOption({ label: "Settings changed" });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=settings\.updated/);
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("changed the organization’s settings");

  // The export of the filtered view.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = await (await download).createReadStream().then(async (stream) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  });
  expect(csv.trimEnd().split("\r\n")).toHaveLength(2);
  expect(csv).toContain("Olivia changed the organization’s settings");

  await db.update(accounts).set({ locale: "fr" }).where(eq(accounts.id, owner.id));
  await page.goto(`/o/${org.slug}/admin/audit`);
  await expect(page.getByRole("heading", { level: 1, name: "Journal d’audit" })).toBeVisible();
  const frRows = page.getByRole("table", { name: "Événements d’audit" }).getByRole("row");
  await expect(frRows.nth(1)).toContainText(`Olivia a modifié le membre ${member.email}`);
  await expect(frRows.nth(1)).toContainText(/Rôle :\s*utilisateur → administrateur/);
  await expect(frRows.nth(2)).toContainText("Olivia a modifié les paramètres de l’organisation");
  await expect(frRows.nth(3)).toContainText(`Olivia a invité ${invitee.email} en tant qu’administrateur`);
  await expectAccessible(page);
  await screenshot(page, "audit-log-fr");
});

test("times follow the viewer's time zone", async ({ browser, db }) => {
  const { org, owner } = await seedOrganization(db, "Zoned");
  await db.insert(auditEvents).values({
    organizationId: org.id,
    actorAccountId: owner.id,
    actorName: owner.name,
    actorEmail: owner.email,
    action: "settings.updated",
    createdAt: new Date("2026-06-01T22:30:00Z"),
  });
  const context = await browser.newContext({ timezoneId: "Asia/Tokyo", locale: "en-US" });
  const page = await context.newPage();
  await signIn(page, owner.email);
  await page.goto(`/o/${org.slug}/admin/audit`);
  await expect(page.getByText("Times are shown in Asia/Tokyo.")).toBeVisible();
  await expect(page.getByRole("table", { name: "Audit events" }).locator("time")).toHaveText(/Jun 2, 2026/);
  await context.close();
});

test("a user member and an administrator of another organization cannot read or export the log", async ({
  page,
  db,
}) => {
  const { org, addAccount, addMember } = await seedOrganization(db, "Private Trail");
  const user = await addAccount({ name: "Uma User" });
  await addMember(user.id, { role: "user" });
  const other = await seedOrganization(db, "Other Trail");

  for (const email of [user.email, other.owner.email]) {
    await page.context().clearCookies();
    await signIn(page, email);
    for (const path of ["admin/audit", "admin/audit/export"]) {
      const response = await page.request.get(`/o/${org.slug}/${path}`);
      expect(response.status(), `${email} ${path}`).toBe(404);
    }
  }
});
