import { createDatabase } from "../../support/postgres-admin";

// Run by Playwright's web server command before the production server starts, which migrates it.
const url = process.env.E2E_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = process.env.E2E_DATABASE_NAME;
if (!name) throw new Error("E2E_DATABASE_NAME is set by playwright.config.ts");
await createDatabase(url, name);
