// `npm run worker`: delivers the email outbox from a process of its own. Any number of these
// (and of app servers with EMAIL_WORKER=on) can share one PostgreSQL database.
import { register } from "node:module";

register("./server-only-hook.mjs", import.meta.url);

const { assertRuntimeConfiguration, env } = await import("@/lib/env");
const { closeDb, getDb } = await import("@/db/client");
const { createOutboxWorker, transportFromEnv } = await import("./worker");
const { logger } = await import("@/lib/logger");

try {
  assertRuntimeConfiguration();
  await getDb();
} catch (error) {
  console.error(`\nThe email worker cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const worker = createOutboxWorker({ transport: transportFromEnv() });
worker.start();
logger.info("email worker started", { worker: worker.id, transport: env.emailTransport, pollMs: env.EMAIL_POLL_MS });

const stop = async () => {
  await worker.stop();
  await closeDb();
  logger.info("email worker stopped", { worker: worker.id });
  process.exit(0);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
// The loop's timers do not hold the process open; this does, until a signal arrives.
setInterval(() => {}, 1 << 30);
