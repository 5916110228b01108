import { closeDb, getDb } from "./client";
import { env } from "@/lib/env";

// `npm run db:migrate`: migrates DATABASE_URL (or the embedded database when it is unset).
await getDb();
await closeDb();
console.log(`Migrated ${env.DATABASE_URL ? "DATABASE_URL" : env.PGLITE_DIR}.`);
