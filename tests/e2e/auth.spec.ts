import {
  expect,
  expectAccessible,
  screenshot,
  seedOrganization,
  signIn,
  test,
  DEFAULT_PASSWORD,
} from "./support/fixtures";

test("sign in, a wrong password, and sign out", async ({ page, db }) => {
  const { owner, org } = await seedOrganization(db, "Initech");

  await page.goto(`/o/${org.slug}/admin/users`);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await expect(page.getByRole("heading", { name: "Sign in to Gatehouse" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "sign-in");

  await page.getByRole("textbox", { name: "Email" }).fill(owner.email);
  await page.getByRole("textbox", { name: "Password" }).fill("not the password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("The email or password is incorrect.");

  await page.getByRole("textbox", { name: "Password" }).fill(DEFAULT_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}`));
  await expect(page.getByText(`Signed in as ${owner.name}`)).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto(`/o/${org.slug}`);
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a session older than its account's session version ends at its next request", async ({ page, db }) => {
  const { owner, org } = await seedOrganization(db, "Hooli");
  await signIn(page, owner.email);
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}`));
  const { accounts } = await import("@/db/schema");
  const { eq, sql } = await import("drizzle-orm");
  await db
    .update(accounts)
    .set({ sessionVersion: sql`${accounts.sessionVersion} + 1` })
    .where(eq(accounts.id, owner.id));
  await page.reload();
  await expect(page).toHaveURL(/\/sign-in/);
});
