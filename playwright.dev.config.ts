import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { chromiumUse, throwawayDatabaseUrl } from "./tests/e2e/support/config";

// What only exists under `next dev` (the development mailbox, the /dev pages), driven in a
// browser. `npm run test:e2e` runs it after the production suite: `next dev` builds into
// .next/dev and leaves the production build in .next alone.
//
// The server gets a throwaway PostgreSQL database, as in playwright.config.ts, and no Resend key:
// its mailbox is a temporary directory outside the project, removed by the teardown.
const databaseUrl = throwawayDatabaseUrl("gatehouse_e2e_dev");
// Named, not created: the mailbox creates it on the first message, so a server that fails to
// start leaves nothing behind.
process.env.E2E_DEV_TMP ??= path.join(os.tmpdir(), `gatehouse-e2e-dev-${randomBytes(4).toString("hex")}`);
process.env.E2E_MAILBOX_DIR = path.join(process.env.E2E_DEV_TMP, "mailbox");
// Everything the development server prints, kept for the tests that search it for secrets.
process.env.E2E_DEV_SERVER_LOG = path.join(process.env.E2E_DEV_TMP, "server.log");

// Next to the production suite's port unless told otherwise.
const port = Number(process.env.E2E_DEV_PORT ?? Number(process.env.E2E_PORT ?? 3200) + 1);
const baseURL = `http://localhost:${port}`;
process.env.E2E_BASE_URL = baseURL;

export default defineConfig({
  testDir: "tests/e2e-dev",
  outputDir: "test-results/e2e-dev",
  globalSetup: "./tests/e2e-dev/global-setup.ts",
  globalTeardown: "./tests/e2e-dev/global-teardown.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Routes are compiled before the tests start (global-setup.ts), but a development server still
  // answers more slowly than a production one.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never", outputFolder: "playwright-report-dev" }]] : "list",
  use: { ...chromiumUse, baseURL, navigationTimeout: 60_000 },
  webServer: {
    // The output still reaches Playwright's (through tee); Playwright stops the whole process group.
    command: [
      "node_modules/.bin/tsx tests/e2e/support/create-database.ts",
      `mkdir -p '${process.env.E2E_DEV_TMP}'`,
      `node_modules/.bin/next dev -p ${port} 2>&1 | tee '${process.env.E2E_DEV_SERVER_LOG}'`,
    ].join(" && "),
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "development",
      DATABASE_URL: databaseUrl,
      APP_URL: baseURL,
      AUTH_SECRET: "e2e-dev-secret-e2e-dev-secret-0123456789",
      OUTBOX_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString("base64"),
      // No key: the development mailbox is the transport.
      RESEND_API_KEY: "",
      RESEND_BASE_URL: "",
      MAILBOX_DIR: process.env.E2E_MAILBOX_DIR,
      EMAIL_POLL_MS: "250",
      BCRYPT_COST: "4",
      // Everything the application may print, so that the secrets scan sees all of it.
      LOG_LEVEL: "debug",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
