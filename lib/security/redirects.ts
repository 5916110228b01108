import "server-only";
import { env } from "@/lib/env";

/** Where a refused or missing return target goes: the home page, which picks the right place. */
export const DEFAULT_RETURN_PATH = "/";

const MAX_RETURN_TARGET_LENGTH = 2048;

// The pages a return target may name, by their first segment. Anything else (API routes, the
// framework's own paths, the development pages) is never a place to come back to.
const APP_PATH = /^\/(?:o|orgs|invite|account|change-password|two-step)(?:\/|$)/;

// Control characters (which browsers strip or treat as separators before parsing) and
// backslashes (which browsers read as slashes) make the string mean one thing here and another
// in the browser: such a target is refused rather than interpreted.
const AMBIGUOUS = /[\u0000-\u001f\u007f-\u009f\\\u2028\u2029]/;

/**
 * The return target `candidate` as a path of this app, resolved against `appUrl`: same origin, a
 * page the app serves, normalized (dot segments removed, non-ASCII percent-encoded, fragment
 * dropped). Anything else gives `fallback`.
 */
export function resolveReturnPath(candidate: unknown, appUrl: string, fallback = DEFAULT_RETURN_PATH): string {
  if (typeof candidate !== "string" || candidate === "" || candidate.length > MAX_RETURN_TARGET_LENGTH) return fallback;
  if (!candidate.startsWith("/") || AMBIGUOUS.test(candidate)) return fallback;
  let url: URL;
  let origin: string;
  try {
    origin = new URL(appUrl).origin;
    url = new URL(candidate, `${origin}/`);
  } catch {
    return fallback;
  }
  if (url.origin !== origin || url.username !== "" || url.password !== "") return fallback;
  const { pathname, search } = url;
  if (pathname === "/") return "/";
  // An empty segment would let the path start with `//` once a prefix is stripped somewhere.
  if (!APP_PATH.test(pathname) || pathname.includes("//")) return fallback;
  const path = `${pathname}${search}`;
  return path.length > MAX_RETURN_TARGET_LENGTH ? fallback : path;
}

/**
 * The one decision on every return target (sign-in's callbackUrl, the invitation, reset and
 * change-password pages): a same-origin path of this app, or the default page.
 */
export function safeReturnPath(candidate: unknown, fallback = DEFAULT_RETURN_PATH): string {
  return resolveReturnPath(candidate, env.APP_URL, fallback);
}

/** The same decision as an absolute URL of APP_URL: for next-auth's own endpoints (/api/auth/…). */
export function safeReturnUrl(candidate: unknown): string {
  return new URL(safeReturnPath(candidate), env.APP_URL).toString();
}
