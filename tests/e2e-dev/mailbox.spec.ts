import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { emailOutbox, invitations } from "@/db/schema";
import {
  DEFAULT_PASSWORD,
  expect,
  expectAccessible,
  screenshot,
  seedOrganization,
  signIn,
  test,
} from "../e2e/support/fixtures";

test("the invite email appears in the development mailbox, HTML and plain text; no secret of the flow reaches the server's output", async ({
  page,
  db,
}) => {
  // Three flows (the administrator's, the invitee's, a password reset), each page compiled on first use.
  test.setTimeout(480_000);
  const { org, owner } = await seedOrganization(db, "Umbrella");
  const invitee = `mallory.${Date.now().toString(36)}@example.com`;
  await signIn(page, owner.email);

  await page.goto(`/o/${org.slug}/admin/users`);
  await page.getByRole("button", { name: "Add Administrator" }).first().click();
  // The first client navigation to the wizard waits for the development server to render it.
  await expect(page.getByRole("heading", { level: 1, name: "Add Administrator" })).toBeVisible({ timeout: 90_000 });
  await page.getByRole("textbox", { name: "Email" }).fill(invitee);
  await page.getByRole("textbox", { name: "Email" }).press("Enter");
  await expect(
    page.getByText("No account exists for this address. An account will be created with a temporary password."),
  ).toBeVisible();
  await page.getByRole("radio", { name: "Send it in the invitation email" }).check();
  // exact: the development server adds its own "Open Next.js Dev Tools" button.
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Options" })).toBeVisible();
  await page.getByRole("textbox", { name: "Personal message" }).fill("Welcome aboard, Mallory.");
  await page.getByRole("button", { name: "Send Invite" }).click();
  await expect(page.getByRole("heading", { name: "Invitation sent" })).toBeVisible();
  const [invitation] = await db.select().from(invitations).where(eq(invitations.email, invitee));
  expect(invitation).toBeTruthy();

  // The server's own worker delivers to the mailbox right after the commit.
  const subject = "Olivia Owner invited you to join Umbrella as an administrator";
  await expect(async () => {
    await page.goto("/dev/mailbox");
    await expect(page.getByRole("row").filter({ hasText: invitee })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1, name: "Development mailbox" })).toBeVisible();
  await expect(page.getByText(`Messages are kept in ${process.env.E2E_MAILBOX_DIR}.`)).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: invitee });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("link", { name: subject })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "dev-mailbox");

  // The message is the invitation's outbox row, delivered once: its page is named by the row's
  // idempotency key.
  await expect
    .poll(
      async () => (await db.select().from(emailOutbox).where(eq(emailOutbox.id, invitation!.lastEmailId!)))[0]?.status,
    )
    .toBe("sent");
  const [outbox] = await db.select().from(emailOutbox).where(eq(emailOutbox.id, invitation!.lastEmailId!));
  await row.getByRole("link", { name: subject }).click();
  await expect(page).toHaveURL(`/dev/mailbox/${outbox!.idempotencyKey}`);
  await expect(page.getByRole("heading", { level: 1, name: subject })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: invitee })).toBeVisible();

  // The plain-text part, line by line as SPEC §9 names them.
  const text = page.getByRole("region", { name: "Plain text" }).locator("pre");
  await expect(text).toContainText(`Invitation ID: ${invitation!.id}`);
  const lines = (await text.innerText()).split("\n");
  expect(lines).toContain(`Invitation ID: ${invitation!.id}`);
  const key = lines.find((l) => l.startsWith("Key: "))?.slice("Key: ".length);
  expect(key).toBeTruthy();
  const link = `${process.env.E2E_BASE_URL}/invite/${invitation!.id}?key=${encodeURIComponent(key!)}`;
  expect(lines).toContain(link);
  expect(lines.some((l) => /^Temporary password: \S{12,}$/.test(l))).toBe(true);
  expect(lines).toContain("Welcome aboard, Mallory.");

  // The HTML part, in its sandboxed frame.
  await expect(page.getByRole("region", { name: "HTML" })).toBeVisible();
  const html = page.frameLocator(`iframe[title="${subject}"]`);
  await expect(html.getByRole("heading", { name: "Join Umbrella" })).toBeVisible();
  await expect(html.getByRole("link", { name: "Accept invitation" })).toHaveAttribute("href", link);
  await expect(html.getByText("Welcome aboard, Mallory.")).toBeVisible();
  await expectAccessible(page, { exclude: ["iframe"] });
  await screenshot(page, "dev-mailbox-message");

  // The invitee opens the link, types the temporary password and chooses a password: the key
  // travels in a URL, and every secret in some server function's arguments.
  const temporaryPassword = lines
    .find((l) => l.startsWith("Temporary password: "))!
    .slice("Temporary password: ".length);
  const newPassword = `Dev-${randomBytes(12).toString("base64url")}`;
  await page.context().clearCookies();
  await page.goto(link);
  await page.getByRole("textbox", { name: "Temporary password" }).fill(temporaryPassword);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("textbox", { name: "New password", exact: true }).fill(newPassword);
  await page.getByRole("textbox", { name: "Confirm new password" }).fill(newPassword);
  await page.getByRole("button", { name: "Update Password" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}$`), { timeout: 90_000 });

  // Then forgets it: the reset key travels in a URL, the next password in an action's arguments.
  await page.context().clearCookies();
  await page.goto("/forgot-password");
  await page.getByRole("textbox", { name: "Email" }).fill(invitee);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible({ timeout: 90_000 });
  const resetRow = page
    .getByRole("row")
    .filter({ hasText: invitee })
    .filter({ hasText: "Reset your Gatehouse password" });
  await expect(async () => {
    await page.goto("/dev/mailbox");
    await expect(resetRow).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await resetRow.getByRole("link", { name: "Reset your Gatehouse password" }).click();
  const resetText = page.getByRole("region", { name: "Plain text" }).locator("pre");
  await expect(resetText).toContainText("/reset-password/");
  const resetLink = (await resetText.innerText())
    .split("\n")
    .find((l) => l.includes("/reset-password/"))!
    .trim();
  const resetKey = new URL(resetLink).searchParams.get("key");
  expect(resetKey).toBeTruthy();
  const resetPassword = `Dev-${randomBytes(12).toString("base64url")}`;
  await page.goto(resetLink);
  await page.getByRole("textbox", { name: "New password", exact: true }).fill(resetPassword);
  await page.getByRole("textbox", { name: "Confirm new password" }).fill(resetPassword);
  await page.getByRole("button", { name: "Update Password" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}$`), { timeout: 90_000 });

  const output = readFileSync(process.env.E2E_DEV_SERVER_LOG!, "utf8");
  // The capture works: the server's own lines and the request log are there.
  expect(output).toContain("email sent");
  expect(output).toContain("/dev/mailbox");
  const secrets = {
    "the owner's password": DEFAULT_PASSWORD,
    "the temporary password": temporaryPassword,
    "the invitation key": key!,
    "the invitation key, URL-encoded": encodeURIComponent(key!),
    "the invitee's new password": newPassword,
    "the reset key": resetKey!,
    "the password chosen through the reset link": resetPassword,
  };
  for (const [name, secret] of Object.entries(secrets)) {
    expect(output.includes(secret), `${name} is in the development server's output`).toBe(false);
  }
});
