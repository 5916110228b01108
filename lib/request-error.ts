import "server-only";
import { logger } from "@/lib/logger";

type ErrorRequest = { path: string; method: string };
type ErrorContext = { routePath: string; routeType: string };

// Next.js reports a render error once per rendering pass (server components, then HTML), with
// the same digest: a failure is logged once.
const recentlyLogged = new Map<string, number>();
const DUPLICATE_WINDOW_MS = 5_000;

function alreadyLogged(reference: string, now = Date.now()): boolean {
  for (const [ref, at] of recentlyLogged) if (now - at > DUPLICATE_WINDOW_MS) recentlyLogged.delete(ref);
  if (recentlyLogged.has(reference)) return true;
  recentlyLogged.set(reference, now);
  return false;
}

/**
 * The one log line of an unexpected server error. `reference` is the digest Next.js also hands
 * the error page, so what a user reads on screen finds this line. The query string is dropped:
 * invitation and reset links carry their key there.
 */
export function logRequestError(error: unknown, request: ErrorRequest, context: ErrorContext): void {
  const digest = (error as { digest?: unknown } | null)?.digest;
  const reference = typeof digest === "string" ? digest : null;
  if (reference && alreadyLogged(reference)) return;
  logger.error("request failed", {
    reference,
    method: request.method,
    path: request.path.split("?")[0],
    route: context.routePath,
    routeType: context.routeType,
    error,
  });
}
