import type { Instrumentation } from "next";

// Runs once when a server process starts: refuse to run half-configured, and open (and migrate)
// the database before the first request so nobody waits for it.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerProcess } = await import("./lib/server-start");
  await startServerProcess();
}

export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logRequestError } = await import("./lib/request-error");
  logRequestError(error, request, context);
};
