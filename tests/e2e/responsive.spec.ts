import { eq } from "drizzle-orm";
import type { Locator, Page } from "@playwright/test";
import { accounts, auditEvents } from "@/db/schema";
import { createTestInvitation } from "../support/invitation-factories";
import { expect, expectAccessible, screenshot, seedOrganization, signIn, test } from "./support/fixtures";

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };

let counter = 0;
/** Long addresses, the kind that used to break mid-word at 1280 px. */
const longAddress = (name: string) =>
  `${name}.${Date.now().toString(36)}${counter++}@engineering.subsidiary-of-acme.example.com`;

/** An organization with people in every state the Users page shows, and its owner signed in. */
async function seedPeople(page: Page, db: Parameters<typeof seedOrganization>[0], name: string, locale: "en" | "fr") {
  const seeded = await seedOrganization(db, name);
  await db.update(accounts).set({ locale }).where(eq(accounts.id, seeded.owner.id));
  const grace = await seeded.addAccount({ name: "Grace Hopper", email: longAddress("grace.hopper") });
  const graceMembership = await seeded.addMember(grace.id, {
    role: "user",
    tags: ["external", "privileged"],
    accessExpiresAt: new Date(Date.now() + 30 * 86_400_000),
  });
  const ada = await seeded.addAccount({ name: "Ada Lovelace", email: longAddress("ada.lovelace") });
  await seeded.addMember(ada.id, { role: "administrator" });
  await createTestInvitation(db, {
    organizationId: seeded.org.id,
    inviterAccountId: seeded.owner.id,
    email: longAddress("ines.invitee"),
  });
  await signIn(page, seeded.owner.email);
  return { ...seeded, grace, graceMembership };
}

/** Nothing is cut off: the page is no wider than the window. */
async function expectNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);
}

/** The Users table fits its frame: no row action waits past the right edge behind a sideways scroll. */
async function expectTableFits(page: Page) {
  const hidden = await page
    .getByRole("main")
    .locator("table")
    .evaluate((table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth);
  expect(hidden, "Users table width beyond its frame in px").toBeLessThanOrEqual(0);
}

/** Each part of an address (up to and including an "@" or a dot) sits on one line: no mid-word break. */
async function expectAddressUnbroken(address: Locator) {
  const parts = await address.evaluate((el) =>
    [...el.children]
      .filter((n) => n.tagName === "SPAN")
      .map((n) => {
        const range = document.createRange();
        range.selectNodeContents(n);
        return { text: n.textContent, lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size };
      }),
  );
  expect(parts.length).toBeGreaterThan(2);
  for (const part of parts) expect(part, `"${part.text}" is broken across lines`).toMatchObject({ lines: 1 });
}

for (const locale of ["en", "fr"] as const) {
  test(`Users, member page, wizard and account page at 375 and 1280 px (${locale}): nothing cut off, axe clean`, async ({
    page,
    db,
  }) => {
    // Eight accessibility scans, the account page's with some 400 time zone options.
    test.setTimeout(480_000);
    const { org, graceMembership, grace } = await seedPeople(page, db, `Responsive ${locale}`, locale);
    const pages = [
      { name: "users", path: `/o/${org.slug}/admin/users` },
      { name: "member", path: `/o/${org.slug}/admin/users/${graceMembership.id}` },
      { name: "wizard", path: `/o/${org.slug}/admin/users/invite` },
      { name: "account", path: "/account" },
    ];
    for (const viewport of [PHONE, DESKTOP]) {
      await page.setViewportSize(viewport);
      for (const { name, path } of pages) {
        await page.goto(path);
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expectNoHorizontalOverflow(page);
        if (name === "users" && viewport === DESKTOP) await expectTableFits(page);
        if (name === "users" || name === "member")
          await expectAddressUnbroken(page.locator("main span").filter({ hasText: grace.email }).first());
        await expectAccessible(page);
        await screenshot(page, `responsive-${name}-${locale}-${viewport.width}`);
      }
    }
  });
}

test("below 1024 px the navigation is a Menu dialog, operable by keyboard", async ({ page, db }) => {
  test.setTimeout(180_000);
  const { org } = await seedPeople(page, db, "Menu Co", "en");
  await page.setViewportSize(PHONE);
  await page.goto(`/o/${org.slug}/admin/users`);
  await expect(page.getByRole("navigation", { name: "Main navigation" })).toBeHidden();
  const menu = page.getByRole("button", { name: "Menu" });

  await menu.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Menu" });
  await expect(dialog).toBeVisible();
  const nav = dialog.getByRole("navigation", { name: "Main navigation" });
  await expect(nav.getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Overview" })).not.toHaveAttribute("aria-current");
  await expectAccessible(page);
  await screenshot(page, "responsive-menu-375");

  // Focus stays inside the dialog however far Tab goes, forwards and back.
  for (const key of [...Array(9).fill("Tab"), ...Array(9).fill("Shift+Tab")] as string[]) {
    await page.keyboard.press(key);
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest("[role=dialog]")))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(menu).toBeFocused();

  // A link chosen by keyboard opens its page and closes the dialog.
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await nav.getByRole("link", { name: "Audit log" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(`**/o/${org.slug}/admin/audit`);
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();

  // From 1024 px the sidebar is back and the button is gone.
  await page.setViewportSize({ width: 1024, height: 800 });
  await expect(menu).toBeHidden();
  await expect(
    page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Audit log" }),
  ).toHaveAttribute("aria-current", "page");
});

test("tab titles name the page and the organization; the icons exist", async ({ page, db, request }) => {
  test.setTimeout(180_000);
  const { org, grace } = await seedPeople(page, db, "Title Co", "en");
  await page.goto(`/o/${org.slug}/admin/users`);
  await expect(page).toHaveTitle(`Users · ${org.name} — Gatehouse`);
  await page.goto(`/o/${org.slug}/admin/settings/general`);
  await expect(page).toHaveTitle(`General · ${org.name} — Gatehouse`);
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Users" }).click();
  await page.getByRole("link", { name: grace.name }).click();
  await expect(page).toHaveTitle(`${grace.name} · ${org.name} — Gatehouse`);
  await page.goto("/account");
  await expect(page).toHaveTitle("Your account — Gatehouse");

  const iconHref = await page.locator('link[rel="icon"][type="image/svg+xml"]').getAttribute("href");
  expect(iconHref).toBeTruthy();
  for (const path of [iconHref!, "/favicon.ico", "/apple-icon.png"]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
  }
});

test("the Overview counts, recommends a second administrator, and links recent events on", async ({ page, db }) => {
  test.setTimeout(180_000);
  const { org, owner, addAccount, addMember } = await seedOrganization(db, "Overview Co");
  const uma = await addAccount({ name: "Uma User" });
  const umaMembership = await addMember(uma.id, { role: "user" });
  await createTestInvitation(db, { organizationId: org.id, inviterAccountId: owner.id });
  const actor = { actorAccountId: owner.id, actorName: owner.name, actorEmail: owner.email };
  await db.insert(auditEvents).values([
    {
      organizationId: org.id,
      ...actor,
      action: "settings.updated",
      targetType: "organization",
      targetId: org.id,
      targetLabel: org.name,
      details: {},
      createdAt: new Date(Date.now() - 60_000),
    },
    {
      organizationId: org.id,
      ...actor,
      action: "member.updated",
      targetType: "membership",
      targetId: umaMembership.id,
      targetLabel: uma.email,
      details: {},
    },
  ]);
  await signIn(page, owner.email);
  await page.goto(`/o/${org.slug}`);
  const nav = page.getByRole("navigation", { name: "Main navigation" });
  await expect(nav.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  await expect(page).toHaveTitle(`Overview · ${org.name} — Gatehouse`);
  const counts = page.getByRole("region", { name: "At a glance" });
  await expect(counts.getByRole("definition")).toHaveText([
    "2",
    "1",
    "1",
    "0",
    "0 retrying, 0 failed in the last 30 days",
  ]);
  await expect(page.getByText("We strongly recommend inviting at least one other administrator.")).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "overview");

  const activity = page.getByRole("region", { name: "Recent activity" }).getByRole("listitem");
  await expect(activity).toHaveCount(2);
  await activity.nth(1).getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}/admin/audit\\?action=settings.updated&from=`));
  await expect(nav.getByRole("link", { name: "Overview" })).not.toHaveAttribute("aria-current");
  await page.goBack();
  await activity.first().getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/o/${org.slug}/admin/users/${umaMembership.id}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Uma User" })).toBeVisible();
});
