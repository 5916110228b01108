import { eq } from "drizzle-orm";
import { accounts } from "@/db/schema";
import {
  DEFAULT_PASSWORD,
  expect,
  expectAccessible,
  screenshot,
  seedOrganization,
  signIn,
  test,
} from "./support/fixtures";
import { lastEmailTo } from "./support/stand-in-emails";

const NEW_PASSWORD = "a brand new passphrase for the account page";

test("the account page's language switch changes the interface at once, and the next email's language", async ({
  page,
  db,
  request,
}) => {
  // Two accessibility scans of a page whose time zone list has some 400 options.
  test.setTimeout(180_000);
  const { owner } = await seedOrganization(db, "Langue Co");
  await signIn(page, owner.email);
  await page.getByText(`Signed in as ${owner.name}`).click();
  await page.getByRole("link", { name: "Account", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Email address" })).toHaveValue(owner.email);
  await expectAccessible(page);
  await screenshot(page, "account-en");

  await page.getByRole("textbox", { name: "Name" }).fill("Olivia Martin");
  await page.getByRole("combobox", { name: "Interface language" }).selectOption({ label: "Français" });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Votre compte" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  const [stored] = await db.select().from(accounts).where(eq(accounts.id, owner.id));
  expect(stored).toMatchObject({ name: "Olivia Martin", locale: "fr" });
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === "gatehouse-locale")?.value).toBe("fr");
  await expectAccessible(page);
  await screenshot(page, "account-fr");

  await page.getByLabel("Mot de passe actuel").fill(DEFAULT_PASSWORD);
  await page.getByLabel("Nouveau mot de passe", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Confirmer le nouveau mot de passe").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Changer le mot de passe" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Mot de passe changé" })).toBeVisible();
  const email = await lastEmailTo(request, owner.email);
  expect(email.subject).toBe("Votre mot de passe Gatehouse a été modifié");
  // This browser is still signed in after the change.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Votre compte" })).toBeVisible();
});

test("renaming and changing the URL name; the old URL redirects to the same page", async ({ page, db }) => {
  const { org, owner } = await seedOrganization(db, "Rename Co");
  await signIn(page, owner.email);
  await page.goto(`/o/${org.slug}/admin/settings/general`);
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Organization" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Organization" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "settings-organization");

  await page.getByRole("textbox", { name: "Organization name" }).fill("Renamed Co");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Renamed." })).toBeVisible();

  const newSlug = `renamed-${Date.now().toString(36)}`;
  await page.getByRole("textbox", { name: "URL name" }).fill(newSlug);
  await page.getByRole("button", { name: "Change URL name" }).click();
  await page.waitForURL(`**/o/${newSlug}/admin/settings/organization`);
  await expect(page.getByRole("textbox", { name: "Organization name" })).toHaveValue("Renamed Co");

  await page.goto(`/o/${org.slug}/admin/users?q=olivia`);
  await expect(page).toHaveURL(new RegExp(`/o/${newSlug}/admin/users\\?q=olivia$`));
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
});

test("only the owner deletes the organization, typing its name", async ({ page, db }) => {
  const { org, owner, addAccount, addMember } = await seedOrganization(db, "Delete Co");
  const admin = await addAccount({ name: "Ada Admin" });
  await addMember(admin.id, { role: "administrator" });

  await signIn(page, admin.email);
  await page.goto(`/o/${org.slug}/admin/settings/organization`);
  await expect(page.getByText("Only the owner of the organization can delete it.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete Organization" })).toHaveCount(0);
  await page.context().clearCookies();

  await signIn(page, owner.email);
  await page.goto(`/o/${org.slug}/admin/settings/organization`);
  const remove = page.getByRole("button", { name: "Delete Organization" });
  await expect(remove).toBeDisabled();
  await page.getByRole("textbox", { name: /Type the organization’s name to confirm/ }).fill("Delete Co");
  await remove.click();
  await page.waitForURL((url) => !url.pathname.startsWith(`/o/${org.slug}`));
  const gone = await page.goto(`/o/${org.slug}`);
  expect(gone?.status()).toBe(404);
  const [kept] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, admin.id));
  expect(kept?.id).toBe(admin.id);
});

test("the member page is reached from the Users row", async ({ page, db }) => {
  const { org, owner, addAccount, addMember } = await seedOrganization(db, "People Co");
  const grace = await addAccount({ name: "Grace Hopper" });
  await addMember(grace.id, { role: "user", tags: ["external"] });
  await signIn(page, owner.email);
  await page.goto(`/o/${org.slug}/admin/users`);
  await page.getByRole("link", { name: "Grace Hopper" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Grace Hopper" })).toBeVisible();
  await expect(page.getByText(grace.email)).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "History" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Edit/ })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "member-page");
});
