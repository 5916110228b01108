import { eq } from "drizzle-orm";
import type { Browser, BrowserContext } from "@playwright/test";
import { sessions } from "@/db/schema";
import { expect, expectAccessible, seedOrganization, signIn, test } from "./support/fixtures";

// Server-side sessions as an attacker would test them: a copy of the session cookie, taken
// before sign-out, must stop working as soon as its owner signs out.

// Several browsers sign in one after the other: three times the usual time.
test.beforeEach(() => test.slow());

async function copyOfSession(browser: Browser, from: BrowserContext): Promise<BrowserContext> {
  const session = (await from.cookies()).filter((c) => c.name === "gatehouse.session");
  expect(session).toHaveLength(1);
  const copy = await browser.newContext();
  await copy.addCookies(session);
  return copy;
}

test("sign-out ends the session on the server: a copied cookie is refused afterwards", async ({
  page,
  browser,
  context,
  db,
}) => {
  const { owner, org } = await seedOrganization(db, "Copycat");
  await signIn(page, owner.email);
  const copy = await copyOfSession(browser, context);
  const thief = await copy.newPage();
  await thief.goto(`/o/${org.slug}`);
  await expect(thief.getByText(`Signed in as ${owner.name}`)).toBeVisible();

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await thief.reload();
  await expect(thief).toHaveURL(/\/sign-in/);
  await copy.close();
});

test("Sign out everywhere ends every session of the account, this browser's too", async ({ page, browser, db }) => {
  const { owner, org } = await seedOrganization(db, "Everywhere");
  const other = await seedOrganization(db, "Bystander");
  const laptop = await browser.newContext();
  const elsewhere = await laptop.newPage();
  await signIn(elsewhere, owner.email);
  const stranger = await browser.newContext();
  const strangerPage = await stranger.newPage();
  await signIn(strangerPage, other.owner.email);

  await signIn(page, owner.email);
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}`));
  await page.getByText(`Signed in as ${owner.name}`).click();
  await expect(page.getByRole("button", { name: "Sign out everywhere" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  await elsewhere.goto(`/o/${org.slug}`);
  await expect(elsewhere).toHaveURL(/\/sign-in/);
  await strangerPage.goto(`/o/${other.org.slug}`);
  await expect(strangerPage.getByText(`Signed in as ${other.owner.name}`)).toBeVisible();
  const rows = await db.select().from(sessions).where(eq(sessions.accountId, owner.id));
  expect(rows.length).toBe(2);
  expect(rows.every((row) => row.revokedAt !== null)).toBe(true);
  await laptop.close();
  await stranger.close();
});
