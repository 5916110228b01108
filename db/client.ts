import "server-only";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { Logger } from "drizzle-orm/logger";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres, { type ParameterOrJSON, type Sql, type UnsafeQueryOptions } from "postgres";
import { env } from "@/lib/env";
import { acquireDirectoryLock } from "./pglite-lock";
import { migratePglite, migratePostgres } from "./migrate";
import { queryCounter } from "./query-counter";
import * as schema from "./schema";

/**
 * The only module that opens a database connection. `DATABASE_URL` selects PostgreSQL through
 * postgres.js; without it an embedded PGlite database lives in PGLITE_DIR. Both are migrated
 * from the same folder before the first query, and both expose the same Drizzle query builder.
 */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the database or an open transaction: functions that only read accept both. */
export type Executor = Database | Transaction;

type Handle = { db: Database; close: () => Promise<void>; driver: "postgres" | "pglite" };

const logger: Logger = { logQuery: () => queryCounter.increment() };

const globalKey = Symbol.for("gatehouse.db");
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<Handle> };
const store = globalThis as GlobalWithDb;

export async function openPostgres(url: string, opts: { max?: number; migrate?: boolean } = {}): Promise<Handle> {
  if (opts.migrate !== false) await migratePostgres(url);
  const client = postgres(url, {
    max: opts.max ?? env.DATABASE_POOL_SIZE,
    onnotice: () => {},
    connection: { application_name: "gatehouse" },
  });
  const prepared = env.DATABASE_PREPARED_STATEMENTS ? preparingStatements(client) : client;
  const db = drizzlePostgres(prepared, { schema, logger }) as unknown as Database;
  return { db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
}

/**
 * The client with every query run as a named prepared statement. Drizzle runs its queries
 * unprepared, and postgres.js then makes two round trips for each query with parameters (parse
 * and describe, then bind and execute) and the server parses and plans it every time; prepared,
 * a query is parsed once per connection and then costs one round trip. The statements of the
 * app are a fixed set, so each connection keeps a bounded number. Behind a pooler that cannot
 * keep prepared statements (PgBouncer in transaction mode before 1.21), set
 * DATABASE_PREPARED_STATEMENTS=false.
 */
function preparingStatements(client: Sql): Sql {
  const wrap = (sql: Sql): Sql =>
    new Proxy(sql, {
      get(target, property, receiver) {
        if (property === "unsafe") {
          return (query: string, parameters?: ParameterOrJSON<never>[], options?: UnsafeQueryOptions) =>
            target.unsafe(query, parameters, { ...options, prepare: true });
        }
        // Transactions and savepoints hand their callback a client of their own: prepare there too.
        if (property === "begin" || property === "savepoint") {
          return (...args: unknown[]) => {
            const callback = args.pop() as (tx: Sql) => unknown;
            const method = Reflect.get(target, property) as (...a: unknown[]) => unknown;
            return method.call(target, ...args, (tx: Sql) => callback(wrap(tx)));
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return wrap(client);
}

export async function openPglite(dataDir: string | undefined, opts: { loadDataDir?: Blob } = {}): Promise<Handle> {
  const release = dataDir ? acquireDirectoryLock(dataDir) : () => {};
  try {
    const client = await PGlite.create({
      dataDir,
      extensions: { pg_trgm },
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    });
    const db = drizzlePglite(client, { schema, logger }) as unknown as Database;
    await migratePglite(db);
    return {
      db,
      driver: "pglite",
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

function open(): Promise<Handle> {
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : openPglite(env.PGLITE_DIR);
}

/** The process-wide database, opened (and migrated) on first use. */
export async function getDb(): Promise<Database> {
  return (await getHandle()).db;
}

function getHandle(): Promise<Handle> {
  if (!store[globalKey]) {
    store[globalKey] = open().catch((error: unknown) => {
      store[globalKey] = undefined;
      throw error;
    });
  }
  return store[globalKey];
}

/** Replaces the process-wide database (test harnesses, benchmarks, CLI tools). */
export function setDatabaseHandle(handle: Handle | undefined): void {
  store[globalKey] = handle ? Promise.resolve(handle) : undefined;
}

export async function closeDb(): Promise<void> {
  const pending = store[globalKey];
  store[globalKey] = undefined;
  if (pending) await (await pending).close();
}

export type { Handle as DatabaseHandle };
