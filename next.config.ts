import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { REQUEST_BODY_LIMIT } from "./lib/security/body-limit";

const withNextIntl = createNextIntlPlugin({
  requestConfig: "./lib/i18n/request.ts",
  // Messages reach the formatter compiled (lib/i18n/messages.ts compiles the catalog it reads,
  // the loader compiles catalog files imported as modules), so the browser bundle carries no ICU
  // parser. `t.raw` is not available with compiled messages.
  experimental: { messages: { path: "./lib/i18n/messages", format: "json", locales: "infer", precompile: true } },
});

const nextConfig: NextConfig = {
  // Native/wasm packages stay in node_modules instead of being bundled (PGlite would
  // otherwise copy ~16 MB of wasm into the public static assets).
  serverExternalPackages: ["@electric-sql/pglite", "piscina", "bcryptjs", "postgres"],
  poweredByHeader: false,
  // Turbopack's on-disk development cache, restored by a restarted `next dev`, makes every page
  // that the session which wrote it did not compile reload itself about once a second, endlessly
  // (an HMR "restart" of the root chunk list at each load; seen with Next.js 16.4.6 on this
  // project). Forms lose what was typed, and a click can land before hydration. Development
  // therefore compiles from scratch at each start.
  experimental: { turbopackFileSystemCacheForDev: false, serverActions: { bodySizeLimit: REQUEST_BODY_LIMIT } },
  // The development server's request log would print every server function's arguments
  // (passwords, temporary passwords, invitation keys) and every URL (invitation and reset links
  // carry their key); the browser's console stays in the browser. Off in every mode.
  logging: {
    serverFunctions: false,
    incomingRequests: { ignore: [/[?&]key=/i] },
    browserToTerminal: false,
  },
  reactStrictMode: true,
  // Invitation and reset links carry their key in the URL: no cache may keep the page (proxy.ts
  // keeps the key out of Referer headers).
  async headers() {
    return ["/invite", "/invite/:path*", "/reset-password/:path*"].map((source) => ({
      source,
      headers: [{ key: "Cache-Control", value: "no-store" }],
    }));
  },
};

export default withNextIntl(nextConfig);
