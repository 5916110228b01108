// Imported by proxy.ts, which runs before any page: no server-only, no database, no env reads.

/** Pages whose URL carries a secret (invitation and reset keys): the Referer must never hold it. */
const NO_REFERRER_PREFIXES = ["/invite", "/reset-password", "/forgot-password"];

/** Features the app never uses; a page (or an injected frame) cannot turn them on. */
const DENIED_FEATURES = [
  "accelerometer",
  "autoplay",
  "camera",
  "display-capture",
  "encrypted-media",
  "geolocation",
  "gyroscope",
  "hid",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "picture-in-picture",
  "screen-wake-lock",
  "serial",
  "usb",
  "xr-spatial-tracking",
  "browsing-topics",
];

/** Features the app uses itself (passkeys: registration, sign-in, second step), and no frame of another origin. */
const SELF_ONLY_FEATURES = ["publickey-credentials-create", "publickey-credentials-get"];

/** A fresh, unguessable nonce for one response. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
}

/**
 * Scripts run only with this response's nonce (Next.js puts it on its own scripts when the
 * request carries this header) or when loaded by such a script ('strict-dynamic'). Styles
 * stay inline-capable: React and Radix set style attributes, which a nonce cannot cover.
 * Development adds 'unsafe-eval' for React's debugging aids and the hot-reload socket.
 */
export function contentSecurityPolicy(nonce: string, production: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${production ? "" : " 'unsafe-eval'"}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self'${production ? "" : " ws: wss:"}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The security headers of every response, besides the CSP. */
export function securityHeaders(pathname: string, production: boolean): Record<string, string> {
  const noReferrer = NO_REFERRER_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
  return {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": noReferrer ? "no-referrer" : "strict-origin-when-cross-origin",
    "Permissions-Policy": [
      ...DENIED_FEATURES.map((feature) => `${feature}=()`),
      ...SELF_ONLY_FEATURES.map((feature) => `${feature}=(self)`),
    ].join(", "),
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(production ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
