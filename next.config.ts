import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  // Native/wasm packages stay in node_modules instead of being bundled (PGlite would
  // otherwise copy ~16 MB of wasm into the public static assets).
  serverExternalPackages: ["@electric-sql/pglite", "piscina", "bcryptjs", "postgres"],
  poweredByHeader: false,
  reactStrictMode: true,
  // Invitation and reset links carry their key in the URL: it must not travel in a Referer
  // header, and no cache may keep the page.
  async headers() {
    const secretLinkHeaders = [
      { key: "Referrer-Policy", value: "no-referrer" },
      { key: "Cache-Control", value: "no-store" },
    ];
    return ["/invite", "/invite/:path*", "/reset-password/:path*"].map((source) => ({ source, headers: secretLinkHeaders }));
  },
};

export default withNextIntl(nextConfig);
