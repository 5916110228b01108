import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress } from "@/lib/auth/request-meta";
import { PEER_HEADER } from "@/lib/server/peer-header.mjs";

const production = { production: true };

function request(peer: string | null, forwardedFor?: string, extra: Record<string, string> = {}): Headers {
  const h = new Headers(extra);
  if (peer !== null) h.set(PEER_HEADER, peer);
  if (forwardedFor !== undefined) h.set("x-forwarded-for", forwardedFor);
  return h;
}

describe("client address with no trusted proxy (TRUSTED_PROXY_HOPS=0)", () => {
  it("is the TCP peer's, whatever the client says it is", () => {
    const h = request("198.51.100.7", "203.0.113.9, 192.0.2.1", {
      "x-real-ip": "203.0.113.10",
      forwarded: "for=203.0.113.11",
    });
    expect(clientAddress(h, { hops: 0, ...production })).toBe("198.51.100.7");
    expect(clientAddress(request("198.51.100.7"), { hops: 0, ...production })).toBe("198.51.100.7");
  });

  it("stays the peer's for any forged X-Forwarded-For", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (forged) => {
        expect(clientAddress(request("198.51.100.7", forged), { hops: 0, ...production })).toBe("198.51.100.7");
      }),
    );
  });

  it("is unknown in production when the peer was not stamped, even with X-Forwarded-For", () => {
    expect(clientAddress(request(null, "203.0.113.9"), { hops: 0, ...production })).toBeNull();
    expect(clientAddress(request(null, "203.0.113.9"), { hops: 1, ...production })).toBeNull();
  });

  it("outside production, without the stamp (plain next dev), takes the right-most entry for the peer", () => {
    expect(clientAddress(request(null, "203.0.113.9, 127.0.0.1"), { hops: 0, production: false })).toBe("127.0.0.1");
    expect(clientAddress(request(null, "203.0.113.9, 127.0.0.1"), { hops: 1, production: false })).toBe("203.0.113.9");
    expect(clientAddress(request(null), { hops: 0, production: false })).toBeNull();
  });

  it("is unknown when the stamped peer is not an address", () => {
    expect(clientAddress(request("not-an-ip", "203.0.113.9"), { hops: 0, ...production })).toBeNull();
  });
});

describe("client address behind trusted proxies", () => {
  // client → proxy A → proxy B → server: A appends the client, B appends A.
  const chain = "6.6.6.6, 203.0.113.9, 10.0.0.2";

  it("is the N-th entry from the right of X-Forwarded-For", () => {
    expect(clientAddress(request("10.0.0.3", chain), { hops: 1, ...production })).toBe("10.0.0.2");
    expect(clientAddress(request("10.0.0.3", chain), { hops: 2, ...production })).toBe("203.0.113.9");
    expect(clientAddress(request("10.0.0.3", "203.0.113.9"), { hops: 1, ...production })).toBe("203.0.113.9");
  });

  it("cannot be moved by what the client puts to the left of the proxies' entries", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (forged) => {
        const h = request("10.0.0.3", `${forged}, 203.0.113.9, 10.0.0.2`);
        expect(clientAddress(h, { hops: 2, ...production })).toBe("203.0.113.9");
      }),
    );
  });

  it("takes the left-most entry when there are fewer entries than hops, and the peer when there are none", () => {
    expect(clientAddress(request("10.0.0.3", "203.0.113.9"), { hops: 2, ...production })).toBe("203.0.113.9");
    expect(clientAddress(request("10.0.0.3", " , ,"), { hops: 2, ...production })).toBe("10.0.0.3");
    expect(clientAddress(request("10.0.0.3"), { hops: 1, ...production })).toBe("10.0.0.3");
  });

  it("gives null, not a neighbour, when the entry at the chosen position is garbage", () => {
    expect(clientAddress(request("10.0.0.3", "203.0.113.9, unknown"), { hops: 1, ...production })).toBeNull();
    expect(clientAddress(request("10.0.0.3", "203.0.113.9, _hidden, 10.0.0.2"), { hops: 2, ...production })).toBeNull();
  });

  it("reads IPv6 entries and entries with ports", () => {
    expect(clientAddress(request("::1", "2001:DB8:0:0::1, 10.0.0.2"), { hops: 2, ...production })).toBe("2001:db8::1");
    expect(clientAddress(request("::1", "[2001:db8::1]:443"), { hops: 1, ...production })).toBe("2001:db8::1");
    expect(clientAddress(request("::1", "203.0.113.9:51234"), { hops: 1, ...production })).toBe("203.0.113.9");
  });

  it("copes with a header as long as Node accepts", () => {
    const many = Array.from({ length: 1_500 }, (_, i) => `192.0.2.${i % 250}`).join(", ");
    expect(many.length).toBeGreaterThan(15_000);
    expect(clientAddress(request("10.0.0.3", `${many}, 203.0.113.9, 10.0.0.2`), { hops: 2, ...production })).toBe(
      "203.0.113.9",
    );
    expect(clientAddress(request("10.0.0.3", "1".repeat(16_000)), { hops: 1, ...production })).toBeNull();
  });
});

describe("address normalization", () => {
  it("reduces each spelling of an address to one", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("::FFFF:198.51.100.7")).toBe("198.51.100.7");
    expect(normalizeAddress(" 198.51.100.7 ")).toBe("198.51.100.7");
    expect(normalizeAddress("198.51.100.7:8080")).toBe("198.51.100.7");
    expect(normalizeAddress("[::1]:3000")).toBe("::1");
    expect(normalizeAddress("[2001:db8::1]")).toBe("2001:db8::1");
    expect(normalizeAddress("2001:0db8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8::1");
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80::1%eth0");
  });

  it("refuses what is not an IP address", () => {
    for (const junk of [
      "",
      "unknown",
      "localhost",
      "evil.test",
      "01.2.3.4",
      "256.1.1.1",
      "1.2.3.4:99999",
      "1.2.3.4\u0000",
      "1.2.3.4\r\nX-Injected: 1",
      "[::1",
      "for=1.2.3.4",
      "a".repeat(65),
      `2001:db8::1%${"x".repeat(60)}`,
      null,
      undefined,
    ]) {
      expect(normalizeAddress(junk), JSON.stringify(junk)).toBeNull();
    }
  });
});
