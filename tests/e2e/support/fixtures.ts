import { mkdirSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Database } from "@/db/client";
import * as schema from "@/db/schema";
import { addMember, createAccount, createOrganizationWithOwner, DEFAULT_PASSWORD } from "../../support/factories";

export { expect };
export { DEFAULT_PASSWORD };

type Fixtures = {
  /** Direct access to the e2e database, for seeding and for checking what a flow wrote. */
  db: Database;
};

type TestFixtures = {
  /** Automatic in every test: fails it when the browser reported a Content Security Policy violation. */
  noCspViolations: void;
};

export const test = base.extend<TestFixtures, Fixtures>({
  noCspViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      const check = (text: string) => {
        if (/Content Security Policy/i.test(text)) violations.push(text);
      };
      context.on("console", (message) => check(message.text()));
      context.on("weberror", (error) => check(String(error.error())));
      await use();
      expect(violations, "Content Security Policy violations").toEqual([]);
    },
    { auto: true },
  ],
  db: [
    async ({}, use) => {
      const client = postgres(process.env.E2E_DATABASE_URL!, { max: 2, onnotice: () => {} });
      await use(drizzle(client, { schema }) as unknown as Database);
      await client.end({ timeout: 5 });
    },
    { scope: "worker" },
  ],
});

/** An organization with its owner, and optionally more members, written straight to the database. */
export async function seedOrganization(db: Database, name = "Acme") {
  const seeded = await createOrganizationWithOwner(db, name);
  return {
    ...seeded,
    addAccount: (overrides: Parameters<typeof createAccount>[1] = {}) => createAccount(db, overrides),
    addMember: (accountId: string, options: Parameters<typeof addMember>[3] = {}) =>
      addMember(db, seeded.org.id, accountId, options),
  };
}

export async function signIn(page: Page, email: string, password = DEFAULT_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByRole("textbox", { name: "Password" }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
}

/**
 * From the Users page through the wizard for an address with no account: Add Administrator, the
 * lookup, Next, an optional personal message, Send Invite, until "Invitation sent".
 */
export async function inviteNewAccount(page: Page, slug: string, email: string, message?: string) {
  await page.goto(`/o/${slug}/admin/users`);
  await page.getByRole("button", { name: "Add Administrator" }).first().click();
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByRole("textbox", { name: "Email" }).press("Enter");
  await expect(page.getByText(/^No account exists for this address/)).toBeVisible();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("heading", { name: "Options" })).toBeVisible();
  if (message !== undefined) await page.getByRole("textbox", { name: "Personal message" }).fill(message);
  await page.getByRole("button", { name: "Send Invite" }).click();
  await expect(page.getByRole("heading", { name: "Invitation sent" })).toBeVisible();
}

/** Saves a full-page screenshot under test-results/screenshots/ for people to look at. */
export async function screenshot(page: Page, name: string) {
  const dir = path.join(process.cwd(), "test-results", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/**
 * Fails on any serious or critical axe violation on the page as it is now. `exclude` leaves out
 * elements the page does not author, e.g. a sandboxed frame showing an email.
 */
export async function expectAccessible(page: Page, { exclude = [] }: { exclude?: string[] } = {}) {
  const builder = new AxeBuilder({ page });
  for (const selector of exclude) builder.exclude(selector);
  const results = await builder.analyze();
  const blocking = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(blocking).toEqual([]);
}
