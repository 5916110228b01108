import { defineConfig } from "@playwright/test";
import { chromiumUse, throwawayDatabaseUrl } from "./tests/e2e/support/config";

const databaseUrl = throwawayDatabaseUrl("gatehouse_e2e");

const port = Number(process.env.E2E_PORT ?? 3200);
const standInPort = Number(process.env.E2E_RESEND_PORT ?? 3299);
export const baseURL = `http://localhost:${port}`;
process.env.E2E_BASE_URL = baseURL;
process.env.E2E_RESEND_URL = `http://127.0.0.1:${standInPort}`;

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  globalTeardown: "./tests/e2e/support/global-teardown.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]] : "list",
  use: { ...chromiumUse, baseURL },
  projects: [
    { name: "first-run", testMatch: /first-run\.spec\.ts/ },
    { name: "app", testIgnore: /first-run\.spec\.ts/, dependencies: ["first-run"] },
  ],
  webServer: [
    {
      command: `node_modules/.bin/tsx tests/support/resend-stand-in-cli.ts ${standInPort}`,
      url: `http://127.0.0.1:${standInPort}/__emails`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `node_modules/.bin/tsx tests/e2e/support/create-database.ts && exec node server.mjs -p ${port}`,
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        NODE_ENV: "production",
        DATABASE_URL: databaseUrl,
        APP_URL: baseURL,
        AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-0123456789",
        OUTBOX_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
        RESEND_API_KEY: "re_e2e_stand_in",
        RESEND_BASE_URL: `http://127.0.0.1:${standInPort}`,
        EMAIL_RETRY_BASE_MS: "500",
        EMAIL_POLL_MS: "250",
        // The stand-in has no rate of its own: the suite need not wait on the provider's default 2 a second.
        EMAIL_RATE_PER_SECOND: "100",
        BCRYPT_COST: "4",
        LOG_LEVEL: "warn",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    },
  ],
});
