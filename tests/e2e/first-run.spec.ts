import { expect, expectAccessible, screenshot, test } from "./support/fixtures";

test("an empty database leads every page to first run, which then disappears for good", async ({ page }) => {
  for (const path of ["/", "/sign-in", "/o/anything/admin/users"]) {
    await page.goto(path);
    if (path.startsWith("/o/")) {
      // Organization pages need a session first; the sign-in page then leads to first run.
      await expect(page).toHaveURL(/\/(sign-in|setup)/);
      continue;
    }
    await expect(page).toHaveURL(/\/setup$/);
  }
  await expect(page.getByRole("heading", { name: "Set up Gatehouse" })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "first-run");

  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByText("This field is required.").first()).toBeVisible();

  await page.getByRole("textbox", { name: "Organization name" }).fill("Acme Cloud");
  await page.getByRole("textbox", { name: "Your name" }).fill("Olivia Owner");
  await page.getByRole("textbox", { name: "Email" }).fill("olivia@acme.example.com");
  await page.getByRole("textbox", { name: "Password" }).fill("short");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();

  await page.getByRole("textbox", { name: "Password" }).fill("a long and careful passphrase");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(/\/o\/acme-cloud$/);
  await expect(page.getByRole("heading", { name: "Acme Cloud" })).toBeVisible();

  const response = await page.goto("/setup");
  expect(response?.status()).toBe(404);
});
