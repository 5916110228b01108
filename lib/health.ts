import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";

/** Opens (and migrates) the database if needed and runs a trivial query. */
export async function checkDatabase(): Promise<void> {
  const db = await getDb();
  await db.execute(sql`select 1`);
}
