import { sql } from "drizzle-orm";
import { DEFAULT_PASSWORD, expect, seedOrganization, signIn, test } from "./support/fixtures";

test("every page carries a nonce-based CSP and the security headers, and still works", async ({ page, db }) => {
  const { owner, org } = await seedOrganization(db, "Cyberdyne");
  const nonces = new Set<string>();
  const visit = async (path: string) => {
    const response = await page.goto(path);
    const headers = response!.headers();
    const csp = headers["content-security-policy"] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, path).toBeTruthy();
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(csp, path).not.toContain("'unsafe-eval'");
    expect(
      csp.split(";").find((d) => d.trim().startsWith("script-src")),
      path,
    ).not.toContain("'unsafe-inline'");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["permissions-policy"], path).toContain("camera=()");
    expect(headers["strict-transport-security"], path).toMatch(/max-age=/);
    nonces.add(nonce!);
    // Next.js puts the response's nonce on every script it renders (scripts those load later
    // are trusted through 'strict-dynamic').
    const scripts = (await response!.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length, path).toBeGreaterThan(0);
    expect(
      scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`)),
      path,
    ).toEqual([]);
    return headers;
  };

  expect((await visit("/sign-in"))["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect((await visit("/invite/00000000-0000-0000-0000-000000000000?key=abc"))["referrer-policy"]).toBe("no-referrer");

  await signIn(page, owner.email);
  for (const path of [
    `/o/${org.slug}`,
    `/o/${org.slug}/admin/users`,
    `/o/${org.slug}/admin/settings/general`,
    `/o/${org.slug}/admin/audit`,
    "/orgs/new",
  ]) {
    await visit(path);
  }
  expect(nonces.size).toBe(7);

  // Scripts run under the policy: client-side navigation works.
  await page.goto(`/o/${org.slug}`);
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
});

test("the session cookie is HttpOnly, SameSite=Lax and Secure", async ({ page, db, context }) => {
  const { owner } = await seedOrganization(db, "Soylent");
  await signIn(page, owner.email);
  const session = (await context.cookies()).find((c) => c.name === "gatehouse.session");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: true });
});

test("an unexpected error shows a page in the user's language with a reference", async ({ page, db }) => {
  const { owner, org } = await seedOrganization(db, "Tyrell");
  await signIn(page, owner.email);
  const { accounts } = await import("@/db/schema");
  const { eq } = await import("drizzle-orm");
  await db.update(accounts).set({ locale: "fr" }).where(eq(accounts.id, owner.id));
  // A missing table: the kind of failure no code path expects.
  await db.execute(sql`alter table memberships rename to memberships_away`);
  try {
    await page.goto(`/o/${org.slug}`);
    await expect(page.getByRole("heading", { name: "Une erreur est survenue" })).toBeVisible();
    await expect(page.getByText(/^Référence : \S+$/)).toBeVisible();
  } finally {
    await db.execute(sql`alter table memberships_away rename to memberships`);
  }
});

test.describe("before the page's JavaScript has run", () => {
  test.use({ javaScriptEnabled: false });

  test("submitting the sign-in form keeps the email and password out of the URL", async ({ page, db }) => {
    const { owner } = await seedOrganization(db, "Wayland");
    await page.goto("/sign-in");
    await page.getByRole("textbox", { name: "Email" }).fill(owner.email);
    await page.getByRole("textbox", { name: "Password" }).fill(DEFAULT_PASSWORD);
    const submitted = page.waitForRequest((request) => request.isNavigationRequest());
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const request = await submitted;
    expect(request.method()).toBe("POST");
    expect(request.url()).toBe(`${process.env.E2E_BASE_URL}/sign-in`);
    await expect(page.getByRole("heading", { level: 1, name: "Sign in to Gatehouse" })).toBeVisible();
    expect(page.url()).toBe(`${process.env.E2E_BASE_URL}/sign-in`);
  });
});
