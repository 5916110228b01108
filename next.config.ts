import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  // Native/wasm packages stay in node_modules instead of being bundled (PGlite would
  // otherwise copy ~16 MB of wasm into the public static assets).
  serverExternalPackages: ["@electric-sql/pglite", "piscina", "bcryptjs", "postgres"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default withNextIntl(nextConfig);
