import { randomUUID } from "node:crypto";
import { chromium, type Browser, type Page } from "@playwright/test";
import type { Database } from "@/db/client";
import { ActionClient, type ActionInfo } from "../support/action-client";
import { addMember, createAccount, createOrganizationWithOwner, DEFAULT_PASSWORD } from "../support/factories";
import type { StandIn } from "../support/resend-stand-in";
import { chromiumUse } from "../e2e/support/config";
import { clientFor } from "./identities";
import { clearRateLimits, inviteManually, linkMailedTo } from "./links";

/**
 * Known open-redirect payloads, as the app receives them (the suite URL-encodes each one into the
 * query string): dot segments, backslashes, encoded slashes and dots, `//` and `/\`, tabs and
 * newlines, userinfo, IDNA and look-alike hosts, very long, non-ASCII, absolute URLs. Every one
 * names evil.test, which the browser is never allowed to reach.
 */
const REDIRECT_PAYLOADS: string[] = [
  "//evil.test",
  "//evil.test/phish",
  "///evil.test",
  "////evil.test/phish",
  "/\\evil.test",
  "\\\\evil.test",
  "/\\/evil.test",
  "\\/evil.test",
  "/..//evil.test/phish",
  "/../..//evil.test",
  "/.//evil.test",
  "/o/../..//evil.test",
  "/./..//evil.test/phish",
  "/o/..%2f..%2f/evil.test",
  "/%2e%2e//evil.test",
  "/%2E%2E/%2F/evil.test",
  "/%2f%2fevil.test",
  "/%2F/evil.test",
  "/%5cevil.test",
  "/%5c%5cevil.test",
  "/%252f%252fevil.test",
  "/%09/evil.test",
  "/\t/evil.test",
  "/\n/evil.test",
  "\t//evil.test",
  "/\r\n/evil.test",
  " //evil.test",
  "/\u0000//evil.test",
  "//user:pass@evil.test",
  "/@evil.test",
  "//evil.test@localhost",
  "//evil.test\\@localhost",
  "/\\@evil.test",
  "http://localhost@evil.test/",
  "//еvil.test",
  "//evil。test",
  "//ｅｖｉｌ．ｔｅｓｔ",
  "//xn--vil-8cd.test",
  "/\u3002/evil.test",
  `/${"a".repeat(5_000)}//evil.test`,
  `//evil.test/${"a".repeat(3_000)}`,
  "/o/ünïcödé",
  "/o/日本語?x=ü",
  "/é//evil.test",
  "http://evil.test",
  "https://evil.test/phish",
  "HTTPS://EVIL.TEST",
  "https:evil.test",
  "http:/\\evil.test",
  "javascript:alert(document.domain)",
  "data:text/html,<script>alert(1)</script>",
  "//evil.test%2f..",
  "//%65vil.test",
  "/#//evil.test",
];

/** The subset tried on the invitation and reset pages, where each case costs an invitation or a reset. */
const PAGE_PAYLOADS = [0, 4, 9, 14, 22, 35, 42, 45].map((i) => REDIRECT_PAYLOADS[i]!);
/** For a quicker run while working on the suite: only the first N payloads (the goal then fails). */
const LIMIT = Number(process.env.RELIABILITY_REDIRECT_PAYLOADS ?? REDIRECT_PAYLOADS.length);

type RedirectCase = { via: string; payload: string; finalUrl: string; offSite: boolean; blocked: string[] };
export type RedirectsOutcome = {
  figures: { cases: number; offSite: number; flowFailures: number; payloads: number };
  offSiteCases: RedirectCase[];
  flowFailures: string[];
  goals: [string, boolean][];
  secrets: string[];
};

type Input = { db: Database; standIn: StandIn; baseUrl: string; actions: ActionInfo[] };

const withTargets = (path: string, payload: string) => {
  const q = encodeURIComponent(payload);
  return `${path}${path.includes("?") ? "&" : "?"}callbackUrl=${q}&next=${q}&returnTo=${q}`;
};

/**
 * Every payload as sign-in's callbackUrl: through the real form in Chromium (signed out, a new
 * tab per payload), on the sign-in page while already signed in (which redirects at once: its Location
 * header resolved as a browser does), and straight
 * to the sign-in action; a subset also rides along to the invitation and reset pages. After each,
 * the browser must be on the app's origin and must never have requested another origin.
 */
export async function runRedirects({ db, standIn, baseUrl, actions }: Input): Promise<RedirectsOutcome> {
  const origin = new URL(baseUrl).origin;
  const cases: RedirectCase[] = [];
  const flowFailures: string[] = [];
  const secrets: string[] = [];
  await clearRateLimits(db);
  const { org, owner } = await createOrganizationWithOwner(db, "Redirect Corp");
  const member = await createAccount(db, { name: "Rhea Redirect" });
  await addMember(db, org.id, member.id, { role: "user" });
  const login = { email: member.email, password: DEFAULT_PASSWORD };
  const admin = await clientFor(baseUrl, actions, { email: owner.email, password: DEFAULT_PASSWORD });

  let mark = Date.now();
  const progress = (stage: string) => {
    console.log(`  redirects, ${stage}: ${Math.round((Date.now() - mark) / 100) / 10} s`);
    mark = Date.now();
  };
  const launch = chromiumUse?.launchOptions ?? {};
  const browser: Browser = await chromium.launch({ ...launch, headless: true });
  /** A fresh context that refuses (and records) every request to another origin. */
  const freshContext = async () => {
    const context = await browser.newContext({ locale: "en-US", timezoneId: "UTC" });
    const blocked: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin)) return route.continue();
      blocked.push(url.slice(0, 200));
      return route.abort("blockedbyclient");
    });
    return { context, blocked };
  };
  const record = async (via: string, payload: string, page: Page, blocked: string[]) => {
    // Client-side navigations (router.push, window.location) get a moment to happen.
    await page.waitForLoadState("load").catch(() => undefined);
    await page.waitForTimeout(150);
    const finalUrl = page.url();
    const onOrigin = finalUrl.startsWith(`${origin}/`) || finalUrl === origin;
    cases.push({
      via,
      payload: payload.slice(0, 120),
      finalUrl: finalUrl.slice(0, 200),
      offSite: !onOrigin || blocked.length > 0,
      blocked: [...blocked],
    });
  };
  const leavesSignIn = (page: Page) =>
    page.waitForURL((u) => !u.pathname.startsWith("/sign-in") || !u.href.startsWith(origin), {
      timeout: 8_000,
      waitUntil: "commit",
    });

  try {
    // 1. The real form, signed out before each payload (its cookies cleared, a new tab).
    {
      const { context, blocked } = await freshContext();
      try {
        for (const payload of REDIRECT_PAYLOADS.slice(0, LIMIT)) {
          await clearRateLimits(db);
          await context.clearCookies();
          blocked.length = 0;
          const page = await context.newPage();
          try {
            await page.goto(`${baseUrl}/sign-in?callbackUrl=${encodeURIComponent(payload)}`);
            await page.getByRole("textbox", { name: "Email" }).fill(login.email);
            await page.getByRole("textbox", { name: "Password" }).fill(login.password);
            await page.getByRole("button", { name: "Sign in", exact: true }).click();
            await leavesSignIn(page);
          } catch (error) {
            // A navigation the route refused is the off-site case itself, not a broken flow.
            if (!blocked.length)
              flowFailures.push(
                `sign-in form, ${JSON.stringify(payload.slice(0, 60))}: ${String(error).slice(0, 160)}`,
              );
          }
          await record("sign-in form", payload, page, blocked);
          await page.close();
        }
      } finally {
        await context.close();
      }
    }

    progress("sign-in form");
    // 2. The sign-in page opened while signed in redirects at once: its Location, as a browser resolves it.
    {
      await clearRateLimits(db);
      const session = await clientFor(baseUrl, actions, login);
      for (const payload of REDIRECT_PAYLOADS.slice(0, LIMIT)) {
        const response = await fetch(`${baseUrl}/sign-in?callbackUrl=${encodeURIComponent(payload)}`, {
          redirect: "manual",
          headers: { cookie: session.cookieHeader() },
        });
        await response.arrayBuffer();
        const location = response.headers.get("location");
        let target = origin;
        try {
          if (location) target = new URL(location, `${baseUrl}/sign-in`).origin;
        } catch {
          target = "(unparsable)";
        }
        cases.push({
          via: "sign-in page, signed in",
          payload: payload.slice(0, 120),
          finalUrl: `${response.status} ${location ?? ""}`.slice(0, 200),
          offSite: target !== origin,
          blocked: [],
        });
      }
    }
    progress("sign-in page, signed in");
    // 3. The sign-in action itself, with the raw value (no page in front to clean it first).
    const signIn = admin.find("app/sign-in/actions.ts", "signInAction");
    for (const payload of REDIRECT_PAYLOADS.slice(0, LIMIT)) {
      await clearRateLimits(db);
      const r = await new ActionClient(baseUrl, actions).call(signIn, [{ ...login, callbackUrl: payload }], {
        path: "/sign-in",
      });
      if (!r.redirect) {
        // A refused payload may fail validation (too long); what matters is that nothing leads away.
        cases.push({
          via: "sign-in action",
          payload: payload.slice(0, 120),
          finalUrl: `(no redirect: ${r.status})`,
          offSite: false,
          blocked: [],
        });
        continue;
      }
      let target = "";
      try {
        target = new URL(r.redirect, `${origin}/`).origin;
      } catch {
        target = "(unparsable)";
      }
      cases.push({
        via: "sign-in action",
        payload: payload.slice(0, 120),
        finalUrl: r.redirect.slice(0, 200),
        offSite: target !== origin,
        blocked: [],
      });
    }

    progress("sign-in action");
    // 4. The invitation page, a new account's Update Password, with return targets in its URL.
    for (const payload of PAGE_PAYLOADS.slice(0, Math.max(1, Math.floor(LIMIT / 6)))) {
      await clearRateLimits(db);
      const invitation = await inviteManually(
        admin,
        standIn,
        org.slug,
        `redirect.${randomUUID().slice(0, 8)}@example.com`,
      );
      secrets.push(invitation.key, invitation.temporaryPassword);
      const { context, blocked } = await freshContext();
      try {
        const page = await context.newPage();
        await page.goto(
          withTargets(
            `${baseUrl}/invite/${invitation.invitationId}?key=${encodeURIComponent(invitation.key)}`,
            payload,
          ),
        );
        await page.getByRole("textbox", { name: "Temporary password" }).fill(invitation.temporaryPassword);
        await page.getByRole("button", { name: "Continue" }).click();
        await page.getByRole("textbox", { name: "New password", exact: true }).fill("seven quiet herons at low tide");
        await page.getByRole("textbox", { name: "Confirm new password" }).fill("seven quiet herons at low tide");
        await page.getByRole("button", { name: "Update Password" }).click();
        await page
          .waitForURL((u) => !u.pathname.startsWith("/invite") || !u.href.startsWith(origin), {
            timeout: 8_000,
            waitUntil: "commit",
          })
          .catch(
            () => blocked.length || flowFailures.push(`invitation page did not complete: ${payload.slice(0, 60)}`),
          );
        await record("invitation page", payload, page, blocked);
      } catch (error) {
        flowFailures.push(`invitation page: ${String(error).slice(0, 160)}`);
      } finally {
        await context.close();
      }
    }

    progress("invitation page");
    // 5. The reset page, with return targets in its URL.
    const forgot = admin.find("app/forgot-password/actions.ts", "forgotPasswordAction");
    for (const payload of PAGE_PAYLOADS.slice(0, Math.max(1, Math.floor(LIMIT / 6)))) {
      await clearRateLimits(db);
      const account = await createAccount(db, { name: "Rory Reset" });
      await addMember(db, org.id, account.id, { role: "user" });
      const startedAt = Date.now() - 1_000;
      await new ActionClient(baseUrl, actions).call(forgot, [{ email: account.email }], { path: "/forgot-password" });
      const { context, blocked } = await freshContext();
      try {
        const link = await linkMailedTo(standIn, account.email, "reset-password", startedAt);
        secrets.push(link.key);
        const page = await context.newPage();
        await page.goto(
          withTargets(`${baseUrl}/reset-password/${link.id}?key=${encodeURIComponent(link.key)}`, payload),
        );
        await page.getByRole("textbox", { name: "New password", exact: true }).fill("seven quiet herons at low tide");
        await page.getByRole("textbox", { name: "Confirm new password" }).fill("seven quiet herons at low tide");
        await page.getByRole("button", { name: "Update Password" }).click();
        await page
          .waitForURL((u) => !u.pathname.startsWith("/reset-password") || !u.href.startsWith(origin), {
            timeout: 8_000,
            waitUntil: "commit",
          })
          .catch(() => blocked.length || flowFailures.push(`reset page did not complete: ${payload.slice(0, 60)}`));
        await record("reset page", payload, page, blocked);
      } catch (error) {
        flowFailures.push(`reset page: ${String(error).slice(0, 160)}`);
      } finally {
        await context.close();
      }
    }
    progress("reset page");
  } finally {
    await browser.close();
    await clearRateLimits(db);
  }

  const offSiteCases = cases.filter((c) => c.offSite);
  return {
    figures: {
      cases: cases.length,
      offSite: offSiteCases.length,
      flowFailures: flowFailures.length,
      payloads: REDIRECT_PAYLOADS.length,
    },
    offSiteCases,
    flowFailures,
    goals: [
      ["redirects: no payload leads off the app's origin (offSite = 0)", offSiteCases.length === 0],
      [
        "redirects: at least 40 payloads, every flow completed",
        LIMIT >= 40 && REDIRECT_PAYLOADS.length >= 40 && flowFailures.length === 0,
      ],
    ],
    secrets,
  };
}
