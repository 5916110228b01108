import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, inject } from "vitest";
import { closeDb, getDb, openPglite, openPostgres, setDatabaseHandle, type Database } from "@/db/client";
import { closeHashPool } from "@/lib/auth/password";
import { createDatabase, databaseUrl } from "./postgres-admin";

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

/**
 * Gives the test file its own freshly migrated database — PGlite by default, PostgreSQL when
 * TEST_DATABASE_URL is set — installed as the process-wide database the domain layer uses.
 */
export function withTestDatabase(): { db: () => Database; url: () => string | undefined } {
  let db: Database | undefined;
  let url: string | undefined;
  beforeAll(async () => {
    const base = process.env.TEST_DATABASE_URL;
    if (base) {
      const name = `${inject("postgresPrefix")}_${randomBytes(4).toString("hex")}`;
      await createDatabase(base, name, inject("postgresTemplate"));
      url = databaseUrl(base, name);
      setDatabaseHandle(await openPostgres(url, { migrate: false, max: 20 }));
    } else {
      const template = new Blob([readFileSync(inject("pgliteTemplate"))]);
      setDatabaseHandle(await openPglite(undefined, { loadDataDir: template }));
    }
    db = await getDb();
  });
  afterAll(async () => {
    await closeDb();
    await closeHashPool();
  });
  return {
    db: () => {
      if (!db) throw new Error("the test database is opened in beforeAll");
      return db;
    },
    url: () => url,
  };
}
