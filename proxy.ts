import { NextResponse, type NextRequest } from "next/server";
import { bodyTooLarge, payloadTooLarge } from "@/lib/security/body-limit";
import { contentSecurityPolicy, createNonce, securityHeaders } from "@/lib/security/headers";
import { REQUEST_PATH_HEADER } from "@/lib/security/request-path";

// Headers only: no database, no session. NODE_ENV is fixed at build time by Next.js, so this is
// not configuration that lib/env.ts would parse.
const production = process.env.NODE_ENV === "production";

export async function proxy(request: NextRequest) {
  // Next.js answers an oversized server action with a 500; every body over the limit gets a 413
  // here instead, before any page, action or route handler reads it.
  if (await bodyTooLarge(request)) return payloadTooLarge();
  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, production);
  // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", csp);
  requestHeaders.set(REQUEST_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(securityHeaders(request.nextUrl.pathname, production))) {
    response.headers.set(name, value);
  }
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
