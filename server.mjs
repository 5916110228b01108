// The production server (`npm start`): Next.js's request handler inside a plain Node HTTP server,
// so that each request carries the TCP peer's address (lib/server/peer-header.mjs), which Next.js
// does not expose to the app. It does what `next start` does for this app: port from -p or PORT
// (default 3000), -H hostname (default: every interface), --keepAliveTimeout, instrumentation.ts
// through Next.js's own start-up, graceful shutdown on SIGTERM and SIGINT. Started with `exec`,
// the process a supervisor stops is this one. `next dev` stays as it is (see
// lib/auth/request-meta.ts).
//
//   node server.mjs [-p PORT] [-H HOSTNAME] [--keepAliveTimeout MS]
//
// Plain JavaScript so that production needs no TypeScript loader.
import http from "node:http";
import { parseArgs } from "node:util";
import { peerStampingListener } from "./lib/server/peer-header.mjs";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", short: "p" },
    hostname: { type: "string", short: "H" },
    keepAliveTimeout: { type: "string" },
  },
});

function positiveInteger(name, value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || String(n) !== String(value).trim()) {
    console.error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
    process.exit(1);
  }
  return n;
}

// The process entry, like the other files at the root: it runs before Next.js and lib/env.ts are
// loaded, and reads only what `next start` itself reads (PORT) and what Next.js requires set
// before it is imported (NODE_ENV).
process.env.NODE_ENV ||= "production";
const port = positiveInteger("port", args.port ?? process.env.PORT ?? "3000");
const hostname = args.hostname;
const keepAliveTimeout =
  args.keepAliveTimeout === undefined ? undefined : positiveInteger("keepAliveTimeout", args.keepAliveTimeout);

// Imported after NODE_ENV is set: Next.js reads it when its modules load.
const { default: next } = await import("next");

let resolveReady;
const ready = new Promise((resolve) => {
  resolveReady = resolve;
});

const server = http.createServer(
  peerStampingListener(async (req, res) => {
    try {
      await (
        await ready
      )(req, res);
    } catch (error) {
      // The path only: a query can carry an invitation or reset key.
      console.error(`Failed to handle request for ${(req.url ?? "").split("?")[0]}`, error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    }
  }),
);
if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;

// What a URL for this server looks like from the machine itself, as `next start` computes it.
const displayHost = !hostname || hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
const origin = `http://${displayHost.includes(":") ? `[${displayHost}]` : displayHost}:${port}`;

const app = next({ dev: false, dir: ".", hostname: displayHost, port, httpServer: server });

server.on("error", (error) => {
  console.error("Failed to start server", error);
  process.exit(1);
});

server.listen(port, hostname, async () => {
  // Next.js reads these, as `next start` sets them: the origin is where a server action's redirect
  // is rendered from.
  process.env.PORT = String(port);
  process.env.__NEXT_PRIVATE_ORIGIN = origin;
  try {
    await app.prepare();
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
  resolveReady(app.getRequestHandler());
  console.log(`Gatehouse listening on ${origin}`);
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  // Stop accepting connections and let the requests in flight finish before Next.js closes.
  server.close(async () => {
    await app.close().catch((error) => console.error(error));
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
  server.closeIdleConnections();
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
