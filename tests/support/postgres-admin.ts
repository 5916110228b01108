import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import path from "node:path";
import postgres from "postgres";

/** The same server, database `postgres`: where CREATE/DROP DATABASE are issued from. */
export function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = "/postgres";
  return u.toString();
}

export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createDatabase(url: string, name: string, template?: string): Promise<void> {
  const sql = postgres(adminUrl(url), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create database "${name}"${template ? ` template "${template}"` : ""}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function migrateTemplate(url: string, template: string): Promise<void> {
  await createDatabase(url, template);
  const sql = postgres(databaseUrl(url, template), { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(sql), { migrationsFolder: path.join(process.cwd(), "db", "migrations") });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Drops every database whose name starts with the prefix (a run's throwaway databases). */
export async function dropDatabases(url: string, prefix: string): Promise<void> {
  const sql = postgres(adminUrl(url), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${prefix + "%"}`;
    for (const { datname } of rows) await sql.unsafe(`drop database if exists "${datname}" with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
