import { randomBytes } from "node:crypto";
import { devices, type PlaywrightTestConfig } from "@playwright/test";

// Shared by playwright.config.ts (production build) and playwright.dev.config.ts (`next dev`).

/** The browser both configurations drive: Debian's Chromium (or CHROMIUM_PATH), en-US, UTC. */
export const chromiumUse: PlaywrightTestConfig["use"] = {
  ...devices["Desktop Chrome"],
  channel: undefined,
  locale: "en-US",
  timezoneId: "UTC",
  trace: "retain-on-failure",
  screenshot: "only-on-failure",
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  },
};

/**
 * One throwaway PostgreSQL database per run, named here so that the web server, the workers
 * (which inherit this process's environment: E2E_DATABASE_URL) and the teardown agree on it.
 */
export function throwawayDatabaseUrl(prefix: string): string {
  process.env.E2E_DATABASE_NAME ??= `${prefix}_${randomBytes(4).toString("hex")}`;
  const serverUrl = process.env.E2E_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${process.env.E2E_DATABASE_NAME}` }).toString();
  process.env.E2E_DATABASE_URL = databaseUrl;
  return databaseUrl;
}
