import { readFileSync } from "node:fs";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import { and, eq, isNull } from "drizzle-orm";
import type { Page } from "@playwright/test";
import { accounts, sessions, twoStepFactors } from "@/db/schema";
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

const NEW_PASSWORD = "seven herons above the salt marsh";

/**
 * An authenticator app, as the test's own: codes are computed from the key the page shows (RFC
 * 6238: SHA-1, 30 s, 6 digits), each time step used once since the server refuses a replay.
 */
class TestAuthenticator {
  private lastStep = -1;
  private readonly secret: Uint8Array;

  constructor(typedKey: string) {
    this.secret = decodeBase32IgnorePadding(typedKey.replace(/\s+/g, ""));
  }

  /** A code for the current time step, or the next one when the current one was used already. */
  async code(): Promise<string> {
    for (;;) {
      const now = Math.floor(Date.now() / 30_000);
      const step = Math.max(now, this.lastStep + 1);
      // The server accepts one step either side of its own.
      if (step <= now + 1) {
        this.lastStep = step;
        return generateHOTP(this.secret, BigInt(step), 6);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** On the enrollment page: Set up authenticator app, the key read off the page, a first code. */
async function enrollAuthenticator(page: Page, screenshotName?: string): Promise<TestAuthenticator> {
  await expect(page.getByRole("heading", { level: 1, name: "Set up two-step verification" })).toBeVisible();
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const key = (await page.getByLabel("Key", { exact: true }).textContent()) ?? "";
  expect(key).toMatch(/^[A-Z2-7 ]{32,}$/);
  await expect(page.getByRole("textbox", { name: "Code (6 digits)" })).toBeFocused();
  await expectAccessible(page);
  if (screenshotName) await screenshot(page, screenshotName);
  const authenticator = new TestAuthenticator(key);
  await page.getByRole("textbox", { name: "Code (6 digits)" }).fill(await authenticator.code());
  await page.getByRole("button", { name: "Verify" }).click();
  return authenticator;
}

/** The recovery codes shown once after a first factor: ten, downloadable, then Continue. */
async function saveRecoveryCodes(page: Page): Promise<string[]> {
  // The security page has a "Recovery codes" card of its own: wait for the shown-once list itself.
  const items = page.getByRole("list", { name: "Your recovery codes" }).getByRole("listitem");
  await expect(items).toHaveCount(10);
  const codes = await items.allTextContents();
  const continueButton = page.getByRole("button", { name: "Continue" });
  await expect(continueButton).toBeDisabled();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download" }).click(),
  ]);
  const text = readFileSync(await download.path(), "utf8");
  for (const code of codes) expect(text).toContain(code);
  await page.getByRole("checkbox", { name: "I have saved my recovery codes" }).check();
  await continueButton.click();
  return codes;
}

test("the seed flow in an organization that requires two-step verification: invited, new password, authenticator, recovery codes, then Set up on the Users page", async ({
  page,
  db,
  browser,
}) => {
  // Three sign-ins, two enrollments and an invitation: minutes on a small, busy machine.
  test.setTimeout(480_000);
  const { org, owner } = await seedOrganization(db, "Hooli");
  const inviteeEmail = `guarded.${Date.now().toString(36)}@example.com`;

  // The owner requires two-step verification on General, and is held until enrolled.
  await signIn(page, owner.email);
  await page.goto(`/o/${org.slug}/admin/settings/general`);
  await page.getByRole("radio", { name: "Send", exact: true }).check();
  const requirement = page.getByRole("radiogroup", { name: "Require two-step verification for administrators" });
  await requirement.getByRole("radio", { name: "Required", exact: true }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.goto(`/o/${org.slug}/admin/users`);
  await expect(page).toHaveURL(/\/two-step\/setup\?/);
  await enrollAuthenticator(page);
  await saveRecoveryCodes(page);
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}$`));

  // Add Administrator → Send Invite.
  await inviteNewAccount(page, org.slug, inviteeEmail);

  // The email says in advance what acceptance will ask.
  const email = await lastEmailTo(page.request, inviteeEmail);
  expect(email.text?.replace(/\s+/g, " ")).toContain("Hooli requires its administrators to use two-step verification.");
  const link = invitationLinkIn(email);
  const temporaryPassword = /^Temporary password: (\S+)$/m.exec(email.text ?? "")![1]!;

  // The invitee, in a browser of their own: temporary password → new password → enrollment.
  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  await invitee.goto(new URL(link).pathname + new URL(link).search);
  await expect(invitee.getByText(/^Hooli requires its administrators to use two-step verification/)).toBeVisible();
  await invitee.getByRole("textbox", { name: "Temporary password" }).fill(temporaryPassword);
  await invitee.getByRole("button", { name: "Continue" }).click();
  await invitee.getByRole("textbox", { name: "New password", exact: true }).fill(NEW_PASSWORD);
  await invitee.getByRole("textbox", { name: "Confirm new password" }).fill(NEW_PASSWORD);
  await invitee.getByRole("button", { name: "Update Password" }).click();
  await expect(invitee).toHaveURL(/\/two-step\/setup\?/);
  // Nothing of the organization before the enrollment.
  await invitee.goto(`/o/${org.slug}/admin/users`);
  await expect(invitee).toHaveURL(/\/two-step\/setup\?/);
  const app = await enrollAuthenticator(invitee, "two-step-enroll");
  await saveRecoveryCodes(invitee);
  await expect(invitee).toHaveURL(new RegExp(`/o/${org.slug}$`));
  const [account] = await db.select().from(accounts).where(eq(accounts.emailNormalized, inviteeEmail));
  await expect(invitee.getByText(`Signed in as ${account!.name}`)).toBeVisible();

  // The Users page shows the new administrator "Set up".
  await page.goto(`/o/${org.slug}/admin/users`);
  await expect(page.getByRole("columnheader", { name: "Two-step" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: inviteeEmail });
  await expect(row.getByRole("cell", { name: "Set up", exact: true })).toBeVisible();
  await expect(
    page.getByRole("row").filter({ hasText: owner.email }).getByText("Set up", { exact: true }),
  ).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "two-step-users");

  // The next sign-in takes its second step.
  await invitee.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(invitee).toHaveURL(/\/sign-in$/);
  await invitee.getByRole("textbox", { name: "Email" }).fill(inviteeEmail);
  await invitee.getByRole("textbox", { name: "Password" }).fill(NEW_PASSWORD);
  await invitee.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(invitee).toHaveURL(/\/sign-in\/two-step$/);
  await expect(invitee.getByRole("heading", { level: 1, name: "Two-step verification" })).toBeVisible();
  await expect(invitee.getByRole("button", { name: "Use a recovery code" })).toBeVisible();
  await expect(invitee.getByRole("textbox", { name: "Code", exact: true })).toBeFocused();
  await expectAccessible(invitee);
  await screenshot(invitee, "two-step-second-step");
  await invitee.getByRole("textbox", { name: "Code", exact: true }).fill(await app.code());
  await invitee.getByRole("button", { name: "Verify" }).click();
  await expect(invitee.getByText(`Signed in as ${account!.name}`)).toBeVisible();

  // The owner resets the new administrator's two-step verification from the Users row.
  await row.getByRole("button", { name: "Reset two-step verification", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Reset two-step verification for ${account!.name}?` });
  await expect(dialog).toBeVisible();
  await expectAccessible(page);
  await dialog.getByRole("button", { name: "Reset", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByRole("cell", { name: "Not set up", exact: true })).toBeVisible();
  await page.getByRole("combobox", { name: "Two-step" }).selectOption({ label: "Not set up" });
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]twoStep=unset/);
  await expect(page.getByRole("row").filter({ hasText: "@" })).toHaveCount(1);
  await expect(page.getByRole("row").filter({ hasText: inviteeEmail })).toHaveCount(1);
  const live = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.accountId, account!.id), isNull(sessions.revokedAt)));
  expect(live).toHaveLength(0);

  // Signed out by the reset; signing in again with the password alone, held on the enrollment.
  await invitee.reload();
  await expect(invitee).toHaveURL(/\/sign-in/);
  await signIn(invitee, inviteeEmail, NEW_PASSWORD);
  await expect(invitee).toHaveURL(/\/two-step\/setup\?/);
  await inviteeContext.close();
});

test("a passkey registered on the security page with a virtual authenticator signs in alone", async ({ page, db }) => {
  test.setTimeout(240_000);
  const { org, addAccount, addMember } = await seedOrganization(db, "Pied Piper");
  const member = await addAccount({ name: "Dinesh Passkey" });
  await addMember(member.id, { role: "administrator" });

  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });

  await signIn(page, member.email, DEFAULT_PASSWORD);
  await page.goto("/account/security");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await saveRecoveryCodes(page);
  const factors = await db.select().from(twoStepFactors).where(eq(twoStepFactors.accountId, member.id));
  expect(factors.map((f) => ({ kind: f.kind, confirmed: f.confirmedAt !== null }))).toEqual([
    { kind: "passkey", confirmed: true },
  ]);
  // A discoverable credential, which the sign-in page can ask for without an address.
  const registered = (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
  expect(registered.map((c) => ({ resident: c.isResidentCredential, rpId: c.rpId }))).toEqual([
    { resident: true, rpId: "localhost" },
  ]);

  await page.goto(`/o/${org.slug}`);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  const before = await db.select().from(sessions).where(eq(sessions.accountId, member.id));

  // No address, no password: the passkey alone.
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
  await page.goto(`/o/${org.slug}`);
  await expect(page.getByText(`Signed in as ${member.name}`)).toBeVisible();
  const after = await db.select().from(sessions).where(eq(sessions.accountId, member.id));
  expect(after).toHaveLength(before.length + 1);
  const used = (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
  expect(used[0]!.signCount).toBeGreaterThan(registered[0]!.signCount);
});
