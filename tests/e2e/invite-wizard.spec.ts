import { readFileSync } from "node:fs";
import { and, eq } from "drizzle-orm";
import type { Locator, Page } from "@playwright/test";
import type { Database } from "@/db/client";
import { accounts, invitations, memberships, organizationSettings } from "@/db/schema";
import { expect, expectAccessible, screenshot, seedOrganization, signIn, test } from "./support/fixtures";

let counter = 0;
const address = (prefix: string) => `${prefix}.${Date.now().toString(36)}${counter++}@example.com`;

/** Presses Tab until the target has the focus: proves it is reachable by keyboard. */
async function tabTo(page: Page, target: Locator, max = 25) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

async function setPolicy(db: Database, organizationId: string, policy: "ask" | "send" | "not_send") {
  await db
    .update(organizationSettings)
    .set({ temporaryPasswordPolicy: policy })
    .where(eq(organizationSettings.organizationId, organizationId));
}

async function openWizard(page: Page, slug: string) {
  await page.goto(`/o/${slug}/admin/users/invite`);
  await expect(page.getByRole("heading", { level: 1, name: "Add Administrator" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Email" })).toBeFocused();
}

async function lookUp(page: Page, emails: string) {
  await page.keyboard.type(emails);
  await page.keyboard.press("Enter");
}

async function nextToOptions(page: Page) {
  await tabTo(page, page.getByRole("button", { name: "Next" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Options" })).toBeFocused();
}

async function sendInvite(page: Page, title = "Invitation sent") {
  await tabTo(page, page.getByRole("button", { name: "Send Invite" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: title, exact: true })).toBeFocused();
}

test("an existing account, by keyboard: lookup, options, Send Invite", async ({ page, db }) => {
  const { org, owner, addAccount } = await seedOrganization(db, "Initech");
  const invitee = await addAccount({ name: "Ada Existing", locale: "fr", email: address("ada") });
  // The lookup names an account, and presets its language, only for an inviter it shares an organization with.
  const shared = await seedOrganization(db, "Initrode");
  await shared.addMember(owner.id);
  await shared.addMember(invitee.id);
  await signIn(page, owner.email);
  await page.goto(`/o/${org.slug}/admin/users`);
  await tabTo(page, page.getByRole("button", { name: "Add Administrator" }).first(), 40);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}/admin/users/invite$`));
  await expect(page.getByRole("textbox", { name: "Email" })).toBeFocused();
  await expect(page.getByRole("list", { name: "Progress" }).getByRole("listitem").first()).toHaveAttribute(
    "aria-current",
    "step",
  );
  await expectAccessible(page);
  await screenshot(page, "invite-1-email-empty");

  await lookUp(page, invitee.email);
  await expect(page.getByText("An account exists for this address. It will be associated with Initech.")).toBeVisible();
  await expect(page.getByText("Ada Existing")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "invite-1-email-existing");

  await nextToOptions(page);
  await expect(page.getByRole("combobox", { name: "Invitation language" })).toHaveValue("fr");
  await expectAccessible(page);
  await screenshot(page, "invite-2-options");

  await tabTo(page, page.getByRole("textbox", { name: "Personal message" }));
  await page.keyboard.type("Welcome to the team.");
  await tabTo(page, page.getByRole("checkbox", { name: "Privileged" }));
  await page.keyboard.press("Space");
  await tabTo(page, page.getByRole("button", { name: "Send Invite" }));
  await page.keyboard.press("Enter");
  await expect(page.getByText("Privileged requires an access expiry date.", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Access expiry" })).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "invite-2-options-error");

  // Back keeps everything.
  await tabTo(page, page.getByRole("button", { name: "Back" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("textbox", { name: "Email" })).toHaveValue(invitee.email);
  await nextToOptions(page);
  await expect(page.getByRole("textbox", { name: "Personal message" })).toHaveValue("Welcome to the team.");
  await expect(page.getByRole("checkbox", { name: "Privileged" })).toBeChecked();

  await tabTo(page, page.getByRole("textbox", { name: "Access expiry" }));
  await page.keyboard.type("12312099");
  await expect(page.getByRole("textbox", { name: "Access expiry" })).toHaveValue("2099-12-31");
  await sendInvite(page);
  await expect(page.getByText(invitee.email)).toBeVisible();
  await expect(page.getByText("The existing account will be associated.")).toBeVisible();
  await expect(page.getByLabel("Temporary password", { exact: true })).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, "invite-3-result-existing");

  const [membership] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.organizationId, org.id), eq(memberships.accountId, invitee.id)));
  expect(membership).toMatchObject({ status: "invited", role: "administrator", tags: ["privileged"] });
  const [invitation] = await db.select().from(invitations).where(eq(invitations.accountId, invitee.id));
  expect(invitation).toMatchObject({
    status: "pending",
    locale: "fr",
    personalMessage: "Welcome to the team.",
    passwordDelivery: "none",
  });

  await tabTo(page, page.getByRole("button", { name: "Done" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}/admin/users$`));
});

test("refusals by keyboard: member, pending invitation, malformed, outside the allowed domains; Escape changes nothing", async ({
  page,
  db,
}) => {
  const { org, owner, addAccount, addMember } = await seedOrganization(db, "Hooli");
  const member = await addAccount({ email: address("member") });
  await addMember(member.id);
  const invited = await addAccount({ email: address("invited") });
  await db.insert(invitations).values({
    organizationId: org.id,
    accountId: invited.id,
    email: invited.email,
    emailNormalized: invited.emailNormalized,
    role: "administrator",
    invitedByAccountId: owner.id,
    keyHash: "0".repeat(64),
    expiresAt: new Date(Date.now() + 86_400_000),
    locale: "en",
    passwordDelivery: "none",
  });
  await db
    .update(organizationSettings)
    .set({ allowedEmailDomains: ["example.com"] })
    .where(eq(organizationSettings.organizationId, org.id));
  await signIn(page, owner.email);
  await openWizard(page, org.slug);

  const email = page.getByRole("textbox", { name: "Email" });
  await lookUp(page, member.email);
  await expect(page.getByText("This address is already a member of Hooli.")).toBeVisible();
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "invite-1-member");

  await email.selectText();
  await lookUp(page, invited.email);
  await expect(page.getByText("This address already has a pending invitation.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Re-invite from the Users page" })).toHaveAttribute(
    "href",
    `/o/${org.slug}/admin/users?q=${encodeURIComponent(invited.email)}`,
  );
  await expectAccessible(page);
  await screenshot(page, "invite-1-pending");

  await email.selectText();
  await lookUp(page, "not-an-address");
  await expect(page.getByText("This is not a valid email address.")).toBeVisible();
  await email.selectText();
  await lookUp(page, "someone@elsewhere.org");
  await expect(
    page.getByText("This address's domain is not among the organization's allowed email domains."),
  ).toBeVisible();
  await expect(email).toHaveAccessibleDescription(/allowed email domains/);
  await screenshot(page, "invite-1-domain");

  // Next refuses while an address is refused.
  await tabTo(page, page.getByRole("button", { name: "Next" }));
  await page.keyboard.press("Enter");
  await expect(email).toBeFocused();
  await expect(page.getByRole("heading", { name: "Options" })).toHaveCount(0);

  const pendingBefore = await db.select().from(invitations).where(eq(invitations.organizationId, org.id));
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}/admin/users$`));
  expect(await db.select().from(invitations).where(eq(invitations.organizationId, org.id))).toHaveLength(
    pendingBefore.length,
  );

  await openWizard(page, org.slug);
  await lookUp(page, address("cancelled"));
  await expect(page.getByText("No account exists for this address.", { exact: false })).toBeVisible();
  await tabTo(page, page.getByRole("link", { name: "Cancel" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}/admin/users$`));
  expect(await db.select().from(invitations).where(eq(invitations.organizationId, org.id))).toHaveLength(
    pendingBefore.length,
  );
});

test("Ask: a choice is required; Don't send shows the password once, with Copy and a one-time PDF", async ({
  page,
  db,
  context,
}) => {
  const { org, owner } = await seedOrganization(db, "Pied Piper");
  await setPolicy(db, org.id, "ask");
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const invitee = address("newcomer");
  await signIn(page, owner.email);
  await openWizard(page, org.slug);

  await lookUp(page, invitee);
  await expect(
    page.getByText("No account exists for this address. An account will be created with a temporary password."),
  ).toBeVisible();
  const sendIt = page.getByRole("radio", { name: "Send it in the invitation email" });
  const dontSend = page.getByRole("radio", { name: "Don't send it: I will give it to the invitee myself" });
  await expect(sendIt).not.toBeChecked();
  await expect(dontSend).not.toBeChecked();
  await tabTo(page, page.getByRole("button", { name: "Next" }));
  await page.keyboard.press("Enter");
  await expect(page.getByText("Choose how the temporary password reaches the invitee.")).toBeVisible();
  await expect(sendIt).toBeFocused();
  await expectAccessible(page);
  await screenshot(page, "invite-1-ask");
  await page.keyboard.press("ArrowDown");
  await expect(dontSend).toBeChecked();

  await nextToOptions(page);
  await sendInvite(page);
  const password = page.getByLabel("Temporary password", { exact: true });
  await expect(password).toBeVisible();
  const value = await password.inputValue();
  expect(value).toMatch(/^[A-Za-z2-9]{16,}$/);
  await expectAccessible(page);
  await screenshot(page, "invite-3-result-password");

  await tabTo(page, page.getByRole("button", { name: "Copy" }));
  await page.keyboard.press("Enter");
  await expect(page.getByText("Copied to the clipboard.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(value);

  const token = await page.locator('input[name="token"]').inputValue();
  const downloadResponse = page.waitForResponse((r) => r.url().endsWith("/admin/users/invite/password-sheet"));
  const download = page.waitForEvent("download");
  await tabTo(page, page.getByRole("button", { name: "Download PDF" }));
  await page.keyboard.press("Enter");
  const file = readFileSync(await (await download).path());
  expect(file.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  const response = await downloadResponse;
  expect(response.headers()["cache-control"]).toContain("no-store");
  expect(response.headers()["content-type"]).toBe("application/pdf");
  // Single use: the same token cannot fetch the sheet again.
  const again = await page.request.post(`/o/${org.slug}/admin/users/invite/password-sheet`, { form: { token } });
  expect(again.status()).toBe(404);
  expect((await again.body()).subarray(0, 4).toString("latin1")).not.toBe("%PDF");

  const done = page.getByRole("button", { name: "Done" });
  await expect(done).toBeDisabled();
  await tabTo(page, page.getByRole("checkbox", { name: "I have saved the temporary password" }));
  await page.keyboard.press("Space");
  await expect(done).toBeEnabled();
  await tabTo(page, done);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}/admin/users$`));
  expect(await page.content()).not.toContain(value);
  await page.goBack();
  await expect(page.getByRole("textbox", { name: "Email" })).toBeVisible();
  await expect(page.getByLabel("Temporary password", { exact: true })).toHaveCount(0);
  expect(await page.content()).not.toContain(value);

  const [account] = await db.select().from(accounts).where(eq(accounts.emailNormalized, invitee));
  expect(account).toMatchObject({ passwordIsTemporary: true });
  const [invitation] = await db.select().from(invitations).where(eq(invitations.accountId, account!.id));
  expect(invitation).toMatchObject({ passwordDelivery: "manual", status: "pending" });
});

test("Send: no question asked, the password goes in the email and is never shown", async ({ page, db }) => {
  const { org, owner } = await seedOrganization(db, "Vandelay");
  await setPolicy(db, org.id, "send");
  const invitee = address("emailed");
  await signIn(page, owner.email);
  await openWizard(page, org.slug);
  await lookUp(page, invitee);
  await expect(page.getByText("No account exists for this address.", { exact: false })).toBeVisible();
  await expect(page.getByRole("radio")).toHaveCount(0);
  await expect(
    page.getByText("The temporary password will be sent in the invitation email", { exact: false }),
  ).toBeVisible();
  await screenshot(page, "invite-1-send-policy");
  await nextToOptions(page);
  await sendInvite(page);
  await expect(page.getByText("The temporary password is in the invitation email.")).toBeVisible();
  await expect(page.getByLabel("Temporary password", { exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Done" })).toBeEnabled();
  const [invitation] = await db.select().from(invitations).where(eq(invitations.emailNormalized, invitee));
  expect(invitation?.passwordDelivery).toBe("email");
});

test("Not send: no question asked, the password is shown once; several addresses in one go", async ({ page, db }) => {
  const { org, owner, addAccount } = await seedOrganization(db, "Soylent");
  await setPolicy(db, org.id, "not_send");
  const existing = await addAccount({ name: "Bea Existing", email: address("bea") });
  const first = address("first");
  const second = address("second");
  await signIn(page, owner.email);
  await openWizard(page, org.slug);
  await lookUp(page, ` ${first}; ${existing.email.toUpperCase()} , ${second},${first.toUpperCase()}`);
  const results = page.getByRole("listitem").filter({ hasText: "No account exists" });
  await expect(results).toHaveCount(2);
  await expect(page.getByText(`${first} is listed 2 times; it is invited once.`)).toBeVisible();
  await expect(page.getByText("No account exists for this address.", { exact: false })).toHaveCount(2);
  await expect(page.getByText("An account exists for this address.", { exact: false })).toHaveCount(1);
  await expect(page.getByRole("radio")).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, "invite-1-several");

  await nextToOptions(page);
  await sendInvite(page, "3 invitations sent");
  for (const email of [first, second]) {
    await expect(
      page.getByRole("listitem", { name: email }).getByLabel("Temporary password", { exact: true }),
    ).toHaveValue(/^[A-Za-z2-9]{16,}$/);
  }
  await expect(
    page
      .getByRole("listitem", { name: existing.email.toUpperCase() })
      .getByText("The existing account will be associated."),
  ).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "invite-3-result-several");
  const rows = await db.select().from(invitations).where(eq(invitations.organizationId, org.id));
  expect(rows.map((r) => r.emailNormalized).sort()).toEqual([first, second, existing.emailNormalized].sort());
  expect(rows.find((r) => r.emailNormalized === first)?.passwordDelivery).toBe("manual");
});

test("refused addresses in a paste: each named, Next once the valid are confirmed; result counts; leaving asks; Invite another starts over", async ({
  page,
  db,
}) => {
  const { org, owner, addAccount, addMember } = await seedOrganization(db, "Globex");
  await setPolicy(db, org.id, "not_send");
  const member = await addAccount({ email: address("member") });
  await addMember(member.id);
  const fresh = address("fresh");
  await signIn(page, owner.email);
  await openWizard(page, org.slug);
  await lookUp(page, `${fresh}; not-an-address, ${member.email}`);
  const email = page.getByRole("textbox", { name: "Email" });
  await expect(page.getByText("2 of 3 addresses cannot be invited:")).toBeVisible();
  await expect(email).toHaveAccessibleDescription(/not-an-address.*not a valid email address/);
  await expect(email).toHaveAccessibleDescription(new RegExp(`already a member of Globex`));
  const confirm = page.getByRole("checkbox", { name: "Continue with the valid address only" });
  await expect(confirm).not.toBeChecked();
  await expectAccessible(page);
  await screenshot(page, "invite-1-partly-refused");

  await tabTo(page, page.getByRole("button", { name: "Next" }));
  await page.keyboard.press("Enter");
  await expect(confirm).toBeFocused();
  await expect(page.getByRole("alert").filter({ hasText: "Check the box to continue" })).toBeVisible();
  await page.keyboard.press("Space");
  await nextToOptions(page);
  await expect(page.getByText(`Inviting ${fresh}.`)).toBeVisible();
  await sendInvite(page, "1 of 3 invitations sent");
  await expect(page.getByRole("listitem", { name: "not-an-address" })).toContainText(
    "This is not a valid email address.",
  );
  const password = await page.getByLabel("Temporary password", { exact: true }).inputValue();
  await screenshot(page, "invite-3-result-partial");

  // A sidebar link asks first; dismissed, the password stays on screen.
  const usersLink = page.getByRole("navigation").getByRole("link", { name: "Users", exact: true });
  page.once("dialog", (dialog) => void dialog.dismiss());
  await usersLink.click();
  await expect(page.getByLabel("Temporary password", { exact: true })).toHaveValue(password);
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}/admin/users/invite$`));
  // Unloading the page is held for the browser's own prompt.
  const unloadHeld = () =>
    page.evaluate(() => {
      const event = new Event("beforeunload", { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
  expect(await unloadHeld()).toBe(true);

  // Once saved, Invite another starts over: empty field, focused, no result left.
  await page.getByRole("checkbox", { name: "I have saved the temporary password" }).check();
  expect(await unloadHeld()).toBe(false);
  await page.getByRole("button", { name: "Invite another" }).click();
  await expect(email).toBeFocused();
  await expect(email).toHaveValue("");
  await expect(page.getByLabel("Temporary password", { exact: true })).toHaveCount(0);
  await lookUp(page, address("next"));
  await nextToOptions(page);
  await sendInvite(page);
  await page.getByRole("checkbox", { name: "I have saved the temporary password" }).check();
  await usersLink.click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}/admin/users$`));
  const rows = await db.select().from(invitations).where(eq(invitations.organizationId, org.id));
  expect(rows.map((r) => r.emailNormalized)).toContain(fresh);
  expect(rows).toHaveLength(2);
});

test("signed out, the wizard and the password sheet are refused", async ({ page, request, db }) => {
  const { org } = await seedOrganization(db, "Massive Dynamic");
  await page.goto(`/o/${org.slug}/admin/users/invite`);
  await expect(page).toHaveURL(/\/sign-in/);
  const response = await request.post(`/o/${org.slug}/admin/users/invite/password-sheet`, {
    form: { token: "v1.a.b.c" },
  });
  expect(response.status()).toBe(404);
});
