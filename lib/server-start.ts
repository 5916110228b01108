import "server-only";
import { getDb } from "@/db/client";
import { assertRuntimeConfiguration, env } from "@/lib/env";
import { startOutboxWorker } from "@/lib/email/worker";
import { logger } from "@/lib/logger";

/** Start-up of a server process (from instrumentation.ts). A misconfiguration stops the process. */
export async function startServerProcess(): Promise<void> {
  if (env.isBuild) return;
  try {
    assertRuntimeConfiguration();
    await getDb();
  } catch (error) {
    logger.error("start-up failed", { reason: error instanceof Error ? error.message : String(error) });
    console.error(`\nGatehouse cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  logger.info("server ready", {
    database: env.DATABASE_URL ? "postgresql" : "pglite",
    pgliteDir: env.DATABASE_URL ? undefined : env.PGLITE_DIR,
  });
  // Its timers never hold the process open; a message cut off mid-send is retried with the same
  // idempotency key once its lease lapses.
  if (env.EMAIL_WORKER === "on") startOutboxWorker();
}
