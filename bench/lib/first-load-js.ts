import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";
import { chromiumUse } from "../../tests/e2e/support/config";

/**
 * Gzipped size of every script a first visit to a page loads, measured in Chromium: what a
 * person's browser downloads before the page is interactive.
 */
export async function firstLoadJsKb(url: string, cookies: { name: string; value: string }[]): Promise<number> {
  // The e2e suites' Chromium and flags (Debian's build; no background network on this machine).
  const browser = await chromium.launch(chromiumUse?.launchOptions);
  try {
    const context = await browser.newContext();
    const origin = new URL(url).origin;
    await context.addCookies(cookies.map((c) => ({ ...c, url: origin })));
    const page = await context.newPage();
    const sizes: Promise<number>[] = [];
    page.on("response", (response) => {
      if (response.request().resourceType() === "script") sizes.push(response.body().then((b) => gzipSync(b).length));
    });
    const response = await page.goto(url, { waitUntil: "networkidle" });
    if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}`);
    const total = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    return Math.round((total / 1024) * 10) / 10;
  } finally {
    await browser.close();
  }
}
