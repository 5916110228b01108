import "server-only";
import { headers } from "next/headers";

/** Where a request comes from, for audit events and per-IP rate limits. */
export type RequestMeta = { ip: string | null; userAgent: string | null };

/**
 * Next.js fills X-Forwarded-For with the socket's address when the request has none; a reverse
 * proxy appends the address it saw. The right-most entry is therefore the one added by the hop
 * closest to us, which is the one a client cannot choose when a proxy is in front.
 */
export function clientIpFrom(forwardedFor: string | null | undefined): string | null {
  const hops = (forwardedFor ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  return hops.at(-1)?.slice(0, 64) ?? null;
}

export async function getRequestMeta(): Promise<RequestMeta> {
  const h = await headers();
  return { ip: clientIpFrom(h.get("x-forwarded-for")), userAgent: h.get("user-agent")?.slice(0, 512) ?? null };
}
