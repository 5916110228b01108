import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}/` },
      // Domain modules start with `import "server-only"`; tests are the server here.
      { find: /^server-only$/, replacement: `${root}/tests/support/server-only.ts` },
    ],
  },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      NODE_ENV: "test",
      BCRYPT_COST: "4",
      HASH_WORKERS: "1",
      LOG_LEVEL: "silent",
      EMAIL_WORKER: "off",
      AUTH_SECRET: "test-secret-test-secret-test-secret-0123456789",
      OUTBOX_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    },
  },
});
