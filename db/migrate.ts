import path from "node:path";
import { migrate as migratePgliteDb } from "drizzle-orm/pglite/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as migratePostgresDb } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

const migrationsFolder = path.join(process.cwd(), "db", "migrations");

// Any constant shared by every instance: it serialises migrations when several start at once.
const MIGRATION_LOCK = 7_261_001;

/** Applies pending migrations to PostgreSQL, one instance at a time. */
export async function migratePostgres(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgresDb(drizzle(client), { migrationsFolder });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Applies pending migrations to an embedded database (one process owns it, so no lock). */
export async function migratePglite(db: unknown): Promise<void> {
  await migratePgliteDb(db as PgliteDatabase<Record<string, never>>, { migrationsFolder });
}
