import "server-only";
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { env } from "@/lib/env";
import { safeReturnUrl } from "@/lib/security/redirects";
import { verifySignInGrant } from "./grant";
import { revokeSession } from "./session-store";
import { SESSION_COOKIE, SESSION_MAX_AGE_SECONDS, sessionClaims, sessionOf } from "./session-token";

declare module "next-auth" {
  interface User {
    sessionVersion?: number;
    sessionId?: string;
  }
}

/**
 * next-auth marks its cookies Secure only when the request URL is https; behind a TLS-terminating
 * proxy a production server sees http, so production always asks for Secure. Chromium accepts
 * Secure cookies from http://localhost, which is how the production build is tested.
 */
function cookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, path: "/", secure };
}

export const { handlers, signIn, signOut } = NextAuth(() => ({
  secret: env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  cookies: {
    sessionToken: { name: SESSION_COOKIE, options: cookieOptions(env.isProduction) },
    callbackUrl: { name: "gatehouse.callback-url", options: cookieOptions(env.isProduction) },
    csrfToken: { name: "gatehouse.csrf-token", options: cookieOptions(env.isProduction) },
  },
  pages: { signIn: "/sign-in" },
  logger: {
    // next-auth logs whole error objects; keep ours to one line without request data.
    error: (error) => console.error(JSON.stringify({ level: "error", message: "auth", name: error.name })),
    warn: () => {},
    debug: () => {},
  },
  providers: [
    Credentials({
      id: "grant",
      credentials: { grant: {} },
      authorize: async (credentials) => {
        const grant = verifySignInGrant(credentials?.grant);
        return grant ? { id: grant.accountId, sessionVersion: grant.sessionVersion, sessionId: grant.sessionId } : null;
      },
    }),
  ],
  events: {
    // next-auth's own sign-out endpoint clears the cookie too; the row goes with it, as with
    // endSession (which revokes first, so this finds it already revoked).
    async signOut(message) {
      const session = sessionOf("token" in message ? message.token : null);
      if (session) await revokeSession(session);
    },
  },
  // Its own endpoints (/api/auth/…) take a callbackUrl too: the app's one decision on return targets.
  callbacks: { jwt: sessionClaims, redirect: ({ url }) => safeReturnUrl(url) },
}));
