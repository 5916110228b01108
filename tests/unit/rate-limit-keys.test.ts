import { describe, expect, it } from "vitest";
import { normalizeAddress } from "@/lib/auth/request-meta";
import { clientKey, countedState, rateLimitState } from "@/lib/security/rate-limit";

describe("clientKey: what per-address limits count by", () => {
  it("keeps an IPv4 address whole", () => {
    expect(clientKey("203.0.113.9")).toBe("203.0.113.9");
    expect(clientKey("203.0.113.10")).not.toBe(clientKey("203.0.113.9"));
  });

  it("counts an IPv6 address by its /64: every address of one network is one key", () => {
    const keys = [
      "2001:db8:1:2::1",
      "2001:db8:1:2:ffff:ffff:ffff:ffff",
      "2001:db8:1:2:abcd::42",
      "2001:0db8:0001:0002:0000:0000:0000:0009",
    ].map((a) => clientKey(normalizeAddress(a)));
    expect(new Set(keys)).toEqual(new Set(["2001:db8:1:2::/64"]));
  });

  it("tells two /64 networks apart, also when the :: falls inside the prefix", () => {
    expect(clientKey("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(clientKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientKey("2001:db8::1:0:0:1")).toBe("2001:db8:0:0::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });

  it("names a request without an address", () => {
    expect(clientKey(null)).toBe("unknown");
  });
});

describe("countedState: the decision on a counter just incremented", () => {
  const rule = { limit: 5, windowSeconds: 60 };

  it("refuses over the limit even when this process's clock says the window has ended", () => {
    const started = new Date(Date.now() - 61_000);
    expect(countedState(6, started, rule).allowed).toBe(false);
    expect(countedState(5, started, rule).allowed).toBe(true);
    // The display-only reading of a stored counter treats that window as over.
    expect(rateLimitState(6, started, rule).allowed).toBe(true);
  });

  it("says how long to wait, at least a second", () => {
    const now = Date.now();
    expect(countedState(6, new Date(now - 30_000), rule, now).retryAfterSeconds).toBe(30);
    expect(countedState(6, new Date(now - 90_000), rule, now).retryAfterSeconds).toBe(1);
  });
});
