import { expect, expectAccessible, screenshot, seedOrganization, signIn, test } from "./support/fixtures";

test("New organization makes the account its owner, and the switcher moves between them", async ({ page, db }) => {
  const { owner, org } = await seedOrganization(db, "Umbrella");
  await signIn(page, owner.email);
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}$`));
  await expectAccessible(page);
  await screenshot(page, "overview");

  await page.getByRole("link", { name: "New organization" }).click();
  await expect(page.getByRole("heading", { name: "New organization" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "new-organization");
  await page.getByRole("textbox", { name: "Organization name" }).fill("Umbrella Labs");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(/\/o\/umbrella-labs(-\d+)?$/);
  await expect(page.getByRole("heading", { name: "Umbrella Labs" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Users" })).toBeVisible();

  const switcher = page.getByRole("combobox", { name: "Switch organization" });
  await switcher.selectOption(org.slug);
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}$`));
  await expect(page.getByRole("heading", { name: "Umbrella" })).toBeVisible();
});

test("administrators reach every Administration page", async ({ page, db }) => {
  const { owner } = await seedOrganization(db, "Stark");
  await signIn(page, owner.email);
  const admin = page.getByRole("navigation", { name: "Main navigation" });
  for (const [link, heading, shot] of [
    ["Users", "Users", "users"],
    ["General", "General", "settings-general"],
    ["Audit log", "Audit log", "audit-log"],
  ] as const) {
    await admin.getByRole("link", { name: link }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expectAccessible(page);
    await screenshot(page, shot);
  }
});

test("a user member and a stranger are refused from Administration", async ({ page, db }) => {
  const { org, addAccount, addMember } = await seedOrganization(db, "Wayne");
  const user = await addAccount({ name: "Uma User" });
  await addMember(user.id, { role: "user" });
  const stranger = await seedOrganization(db, "Elsewhere");

  await signIn(page, user.email);
  await page.goto(`/o/${org.slug}`);
  await expect(page.getByText("You are a member of Wayne.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  for (const path of ["admin/users", "admin/settings/general", "admin/audit"]) {
    const response = await page.goto(`/o/${org.slug}/${path}`);
    expect(response?.status(), path).toBe(404);
  }
  const response = await page.goto(`/o/${stranger.org.slug}`);
  expect(response?.status()).toBe(404);
});
