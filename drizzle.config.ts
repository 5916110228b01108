import { defineConfig } from "drizzle-kit";

// drizzle-kit only generates SQL from the schema; the app applies migrations itself
// (db/migrate.ts) so PGlite and PostgreSQL run the very same files.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
  strict: true,
  verbose: true,
});
