import { and, eq } from "drizzle-orm";
import type { Page } from "@playwright/test";
import { accounts, auditEvents, organizationSettings } from "@/db/schema";
import type { Database } from "@/db/client";
import { ActionClient } from "../support/action-client";
import { expect, expectAccessible, screenshot, seedOrganization, signIn, test } from "./support/fixtures";

const settingsUrl = (slug: string) => `/o/${slug}/admin/settings/general`;

function form(page: Page) {
  return {
    policy: page.getByRole("radiogroup", { name: "Send temporary password by email" }),
    radio: (name: "Ask" | "Send" | "Not send") => page.getByRole("radio", { name, exact: true }),
    validity: page.getByRole("spinbutton", { name: "Invitation validity (days)" }),
    language: page.getByRole("combobox", { name: "Default invitation language" }),
    domains: page.getByRole("textbox", { name: "Allowed email domains" }),
    minLength: page.getByRole("spinbutton", { name: "Minimum password length" }),
    save: page.getByRole("button", { name: "Save" }),
    status: page.getByRole("status"),
  };
}

async function storedSettings(db: Database, organizationId: string) {
  const [row] = await db
    .select()
    .from(organizationSettings)
    .where(eq(organizationSettings.organizationId, organizationId));
  return row!;
}

test("an administrator changes each setting and finds it kept after a reload", async ({ page, db, baseURL }) => {
  const { org, owner } = await seedOrganization(db, "Settings Co");
  await signIn(page, owner.email);
  await page.goto(settingsUrl(org.slug));
  const f = form(page);

  await expect(page.getByRole("heading", { level: 1, name: "General" })).toBeVisible();
  await expect(f.policy).toBeVisible();
  await expect(f.radio("Ask")).toBeChecked();
  await expect(f.radio("Ask")).toHaveAccessibleDescription(/chooses for each invitation/);
  await expect(f.validity).toHaveValue("7");
  await expect(f.language).toHaveValue("en");
  await expect(f.domains).toHaveValue("");
  await expect(f.minLength).toHaveValue("12");
  await expectAccessible(page);
  await screenshot(page, "settings-general");

  await f.radio("Not send").check();
  await f.validity.fill("21");
  await f.language.selectOption({ label: "Français" });
  await f.domains.fill("Example.COM\nsub.example.org");
  await f.minLength.fill("16");
  // Hold the save on its way to the server, to see the pending state.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**${settingsUrl(org.slug)}`, async (route) => {
    if (route.request().method() === "POST") await held;
    await route.continue();
  });
  await f.save.click();
  await expect(page.getByRole("button", { name: "Saving…" })).toBeDisabled();
  release();
  await expect(f.status).toHaveText("Settings saved.");
  await expect(f.save).toBeEnabled();
  await page.unrouteAll();

  await page.reload();
  await expect(f.radio("Not send")).toBeChecked();
  await expect(f.validity).toHaveValue("21");
  await expect(f.language).toHaveValue("fr");
  await expect(f.domains).toHaveValue("example.com\nsub.example.org");
  await expect(f.minLength).toHaveValue("16");

  await f.radio("Send").check();
  await f.save.click();
  await expect(f.status).toHaveText("Settings saved.");
  await page.reload();
  await expect(f.radio("Send")).toBeChecked();

  await f.save.click();
  await expect(f.status).toHaveText("No changes to save: the settings are as they were.");
  const stored = await storedSettings(db, org.id);
  expect(stored).toMatchObject({
    temporaryPasswordPolicy: "send",
    invitationValidityDays: 21,
    defaultLocale: "fr",
    minPasswordLength: 16,
    version: 3,
  });
  expect(stored.allowedEmailDomains).toEqual(["example.com", "sub.example.org"]);
  const events = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, "settings.updated")));
  expect(events).toHaveLength(2);

  // The server action itself, over HTTP: refused without a session, accepted with the owner's.
  const client = new ActionClient(baseURL!);
  const update = client.find("app/o/[slug]/admin/settings/general/actions.ts", "updateSettingsAction");
  const unchanged = { ...stored, updatedAt: undefined, organizationId: undefined, updatedByAccountId: undefined };
  const call = (values: object) => client.call(update, [org.slug, values], { path: settingsUrl(org.slug) });
  expect((await call({ ...unchanged, minPasswordLength: 64 })).result).toEqual({
    ok: false,
    code: "forbidden",
    formError: "You do not have permission to do this.",
  });
  for (const cookie of await page.context().cookies()) client.setCookie(cookie.name, cookie.value);
  expect((await call(unchanged)).result).toMatchObject({ ok: true, data: { changed: false } });
  expect(await storedSettings(db, org.id)).toEqual(stored);
});

test("invalid values are field errors and nothing is saved", async ({ page, db }) => {
  const { org, owner } = await seedOrganization(db, "Strict Co");
  await signIn(page, owner.email);
  await page.goto(settingsUrl(org.slug));
  const f = form(page);

  await f.radio("Send").check();
  await f.validity.fill("31");
  await f.domains.fill("example.com\nnot a domain\nsomeone@example.org");
  await f.minLength.fill("7");
  await f.save.click();
  await expect(f.validity).toHaveAccessibleDescription(/Enter a whole number of days from 1 to 30\./);
  await expect(f.minLength).toHaveAccessibleDescription(/Enter a whole number from 8 to 128\./);
  await expect(f.domains).toHaveAccessibleDescription(/Not valid: not a domain, someone@example\.org/);
  await expect(f.validity).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);
  await screenshot(page, "settings-general-errors");

  await page.reload();
  await expect(f.radio("Ask")).toBeChecked();
  await expect(f.validity).toHaveValue("7");
  expect(await storedSettings(db, org.id)).toMatchObject({
    temporaryPasswordPolicy: "ask",
    invitationValidityDays: 7,
    minPasswordLength: 12,
    version: 1,
  });
});

test("for an account that reads French, the page and its errors are in French", async ({ page, db }) => {
  const { org, owner } = await seedOrganization(db, "Société");
  await signIn(page, owner.email);
  await db.update(accounts).set({ locale: "fr" }).where(eq(accounts.id, owner.id));
  await page.goto(settingsUrl(org.slug));
  await expect(page.getByRole("radiogroup", { name: "Envoyer le mot de passe temporaire par courriel" })).toBeVisible();
  await expect(page.getByRole("radio", { name: "Ne pas envoyer", exact: true })).toBeVisible();
  const validity = page.getByRole("spinbutton", { name: "Validité des invitations (jours)" });
  await validity.fill("0");
  await page.getByRole("textbox", { name: "Domaines de courriel autorisés" }).fill("exemple");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(validity).toHaveAccessibleDescription(/Saisissez un nombre entier de jours entre 1 et 30\./);
  await expect(page.getByRole("textbox", { name: "Domaines de courriel autorisés" })).toHaveAccessibleDescription(
    /Non valide : exemple/,
  );
  await expectAccessible(page);
  await screenshot(page, "settings-general-fr");
});

test("two administrators saving at once: the second is told and sees the new values", async ({ browser, db }) => {
  const { org, owner, addAccount, addMember } = await seedOrganization(db, "Duo");
  const second = await addAccount({ name: "Sam Second" });
  await addMember(second.id);

  const [first, other] = [await browser.newContext(), await browser.newContext()];
  const [a, b] = [await first.newPage(), await other.newPage()];
  await signIn(a, owner.email);
  await signIn(b, second.email);
  await a.goto(settingsUrl(org.slug));
  await b.goto(settingsUrl(org.slug));
  const [fa, fb] = [form(a), form(b)];

  await fa.validity.fill("10");
  await fa.save.click();
  await expect(fa.status).toHaveText("Settings saved.");

  await fb.minLength.fill("20");
  await fb.save.click();
  await expect(b.getByRole("main").getByRole("alert")).toHaveText(
    "Someone else changed these settings while you were editing them. The form now shows their values: make your changes again, then save.",
  );
  await expect(fb.validity).toHaveValue("10");
  await expect(fb.minLength).toHaveValue("12");
  await expect(fb.status).toHaveText("");
  await expectAccessible(b);
  await screenshot(b, "settings-general-conflict");
  expect(await storedSettings(db, org.id)).toMatchObject({
    invitationValidityDays: 10,
    minPasswordLength: 12,
    version: 2,
  });

  await fb.minLength.fill("20");
  await fb.save.click();
  await expect(fb.status).toHaveText("Settings saved.");
  await b.reload();
  await expect(fb.validity).toHaveValue("10");
  await expect(fb.minLength).toHaveValue("20");
  await first.close();
  await other.close();
});

test("signed out, the page leads to sign-in", async ({ page, db }) => {
  const { org } = await seedOrganization(db, "Closed");
  await page.goto(settingsUrl(org.slug));
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
});
