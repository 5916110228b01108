import "server-only";
import { isIP } from "node:net";
import { headers } from "next/headers";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { PEER_HEADER } from "@/lib/server/peer-header.mjs";

/** Where a request comes from, for audit events and per-IP rate limits. */
export type RequestMeta = { ip: string | null; userAgent: string | null };

type HeaderSource = { get(name: string): string | null };

/** Longest textual IPv6 address with an embedded IPv4 part and a short zone. */
const MAX_ADDRESS_LENGTH = 64;

/**
 * One address as a socket or a proxy writes it, reduced to the bare IP in one spelling per
 * address (so that one client is one rate-limit key); null when it is not an IP address. Accepts
 * `203.0.113.9:4711`, `[2001:db8::1]:443` and IPv4-mapped IPv6 (`::ffff:203.0.113.9`), which is
 * how a dual-stack socket reports an IPv4 peer.
 */
export function normalizeAddress(value: string | null | undefined): string | null {
  let address = value?.trim() ?? "";
  if (address.length === 0 || address.length > MAX_ADDRESS_LENGTH) return null;
  const withPort =
    /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(address) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(address);
  if (withPort) {
    if (Number(withPort[2] ?? 0) > 65_535) return null;
    address = withPort[1] ?? "";
  }
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) address = mapped[1] ?? "";
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return null;
  // The URL parser writes an IPv6 address in its one canonical form; a zone id it does not
  // accept is kept as written, lower-cased.
  return URL.canParse(`http://[${address}]/`)
    ? new URL(`http://[${address}]/`).hostname.slice(1, -1)
    : address.toLowerCase();
}

/**
 * The client's address, by the rule of TRUSTED_PROXY_HOPS (`hops`):
 * - 0: the TCP peer's address, stamped by server.mjs in PEER_HEADER. X-Forwarded-For,
 *   X-Real-IP and Forwarded are the client's own word and are never read.
 * - N ≥ 1: the N-th entry from the right of X-Forwarded-For, the address that the outermost of
 *   the N trusted proxies saw (each proxy appends the address it received the request from).
 *   With fewer than N entries the request went through fewer proxies than configured: the
 *   left-most entry is taken, the farthest address any proxy recorded; with none, the peer.
 *   An entry at the chosen position that is not an IP address gives null, never a neighbour
 *   (those to its left are the client's to write).
 * Without PEER_HEADER (a server not started through server.mjs): in production the
 * address is unknown (null); elsewhere, for plain `next dev`, the right-most X-Forwarded-For
 * entry stands for the peer, since Next.js fills that header with the socket's address when the
 * request has none — a client can choose it there.
 */
export function clientAddress(source: HeaderSource, options: { hops: number; production: boolean }): string | null {
  const forwarded = (source.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  let peer = source.get(PEER_HEADER);
  if (peer === null) {
    if (options.production) return null;
    peer = forwarded.pop() ?? null;
  }
  if (options.hops === 0 || forwarded.length === 0) return normalizeAddress(peer);
  return normalizeAddress(forwarded[Math.max(0, forwarded.length - options.hops)]);
}

let warnedUnstamped = false;

export async function getRequestMeta(): Promise<RequestMeta> {
  const h = await headers();
  if (env.isProduction && h.get(PEER_HEADER) === null && !warnedUnstamped) {
    warnedUnstamped = true;
    logger.warn("client addresses are unknown: start the server with npm start (server.mjs)");
  }
  return {
    ip: clientAddress(h, { hops: env.TRUSTED_PROXY_HOPS, production: env.isProduction }),
    userAgent: h.get("user-agent")?.slice(0, 512) ?? null,
  };
}
