import { eq } from "drizzle-orm";
import type { APIRequestContext } from "@playwright/test";
import { accounts } from "@/db/schema";
import { expect, expectAccessible, screenshot, seedOrganization, signIn, test } from "./support/fixtures";
import { lastEmailTo } from "./support/stand-in-emails";

const NEW_PASSWORD = "seven quiet herons at low tide";

/** The path of the reset link in the latest email the stand-in received for an address. */
async function resetLinkFor(request: APIRequestContext, email: string): Promise<string> {
  const link = new URL(
    /https?:\/\/[^\s\]]+\/reset-password\/[^\s\])>]+/.exec((await lastEmailTo(request, email)).text ?? "")![0],
  );
  return link.pathname + link.search;
}

test("forgotten password: the same answer for any address, the emailed link sets the password once and ends other sessions", async ({
  page,
  db,
  browser,
}) => {
  const { org, addAccount, addMember } = await seedOrganization(db, "Dunder");
  const account = await addAccount({ name: "Pam Forgetful" });
  await addMember(account.id);

  // Another browser signed in as the account: its session ends when the password changes.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, account.email);

  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "password-reset-1-request");

  await page.getByRole("textbox", { name: "Email" }).fill("nobody.here@example.com");
  await page.getByRole("button", { name: "Send reset link" }).click();
  const unknownAnswer = await page.getByRole("status").innerText();

  await page.goto("/forgot-password");
  await page.getByRole("textbox", { name: "Email" }).fill(account.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  expect((await page.getByRole("status").innerText()).replace(account.email, "X")).toBe(
    unknownAnswer.replace("nobody.here@example.com", "X"),
  );
  await expectAccessible(page);
  await screenshot(page, "password-reset-2-sent");

  const link = await resetLinkFor(page.request, account.email);
  expect((await page.request.head(link)).status()).toBe(200);
  const response = await page.goto(link);
  expect(response!.headers()["referrer-policy"]).toBe("no-referrer");
  expect(response!.headers()["cache-control"]).toContain("no-store");
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByRole("textbox", { name: "New password", exact: true }).fill("short");
  await page.getByRole("textbox", { name: "Confirm new password" }).fill("short");
  await page.getByRole("button", { name: "Update Password" }).click();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "password-reset-3-choose");

  await page.getByRole("textbox", { name: "New password", exact: true }).fill(NEW_PASSWORD);
  await page.getByRole("textbox", { name: "Confirm new password" }).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Update Password" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}$`));
  await expect(page.getByText(`Signed in as ${account.name}`)).toBeVisible();

  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/sign-in/);
  await other.close();

  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This reset link has already been used" })).toBeVisible();
  await expect(page.getByRole("textbox")).toHaveCount(0);
  await screenshot(page, "password-reset-4-used");

  const [after] = await db.select().from(accounts).where(eq(accounts.id, account.id));
  expect(after?.sessionVersion).toBe(2);
  await page.context().clearCookies();
  await signIn(page, account.email, NEW_PASSWORD);
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}$`));
});
