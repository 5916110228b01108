import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterEach, describe, expect, it, vi } from "vitest";
import { formatLogLine, logger } from "@/lib/logger";
import { logRequestError } from "@/lib/request-error";
import { contentSecurityPolicy, createNonce, securityHeaders } from "@/lib/security/headers";

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name = "", ...values]) => [name, values]),
  );
}

describe("content security policy", () => {
  it("lets scripts run only with the response's nonce in production", () => {
    const nonce = createNonce();
    const scripts = directives(contentSecurityPolicy(nonce, true)).get("script-src");
    expect(scripts).toContain(`'nonce-${nonce}'`);
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
  });

  it("forbids framing, plugins and foreign form targets", () => {
    const csp = directives(contentSecurityPolicy(createNonce(), true));
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("base-uri")).toEqual(["'self'"]);
  });

  it("draws a new nonce for every response", () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    expect(nonces.size).toBe(50);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/);
  });
});

describe("security headers", () => {
  it("keeps the full URL out of the Referer of pages that carry a key", () => {
    for (const path of ["/invite/abc", "/invite", "/reset-password/x", "/forgot-password"]) {
      expect(securityHeaders(path, true)["Referrer-Policy"], path).toBe("no-referrer");
    }
    for (const path of ["/", "/o/acme/admin/users", "/invitations", "/sign-in"]) {
      expect(securityHeaders(path, true)["Referrer-Policy"], path).toBe("strict-origin-when-cross-origin");
    }
  });

  it("asks for HTTPS only in production", () => {
    expect(securityHeaders("/", true)["Strict-Transport-Security"]).toMatch(/^max-age=\d{8,}/);
    expect(securityHeaders("/", false)["Strict-Transport-Security"]).toBeUndefined();
  });

  it("denies the device features the app does not use, and content sniffing", () => {
    const headers = securityHeaders("/", true);
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
      expect(headers["Permissions-Policy"]).toContain(`${feature}=()`);
    }
    expect(headers["Permissions-Policy"]).not.toContain("clipboard-write");
  });

  it("lets the app's own pages, and no frame of another origin, create and use passkeys", () => {
    for (const path of ["/sign-in", "/sign-in/two-step", "/account/security", "/two-step/setup"]) {
      const policy = securityHeaders(path, true)["Permissions-Policy"];
      expect(policy, path).toContain("publickey-credentials-get=(self)");
      expect(policy, path).toContain("publickey-credentials-create=(self)");
      expect(policy, path).not.toContain("publickey-credentials-get=()");
    }
  });
});

describe("the log line of an unexpected error", () => {
  afterEach(() => vi.restoreAllMocks());

  it("carries the reference the error page shows, without the query string", () => {
    const error = vi.spyOn(logger, "error").mockImplementation(() => {});
    logRequestError(
      Object.assign(new Error("boom"), { digest: "1234567890" }),
      { path: "/invite/abc?key=SECRETKEY", method: "GET" },
      { routePath: "/invite/[id]", routeType: "render" },
    );
    expect(error).toHaveBeenCalledOnce();
    const [message, fields] = error.mock.calls[0]!;
    expect(message).toBe("request failed");
    expect(fields).toMatchObject({ reference: "1234567890", path: "/invite/abc", route: "/invite/[id]" });
    expect(JSON.stringify(fields)).not.toContain("SECRETKEY");
  });

  it("is written once when Next.js reports the same failure for each rendering pass", () => {
    const error = vi.spyOn(logger, "error").mockImplementation(() => {});
    const failure = Object.assign(new Error("boom"), { digest: "555" });
    logRequestError(failure, { path: "/o/acme", method: "GET" }, { routePath: "/o/[slug]", routeType: "render" });
    logRequestError(failure, { path: "/o/acme", method: "GET" }, { routePath: "/o/[slug]", routeType: "render" });
    expect(error).toHaveBeenCalledOnce();
  });

  it("is one JSON line without a failed query's values or secret-looking fields", () => {
    const failed = new DrizzleQueryError(
      "insert into accounts (password_hash) values ($1)",
      ["$2a$12$hashhashhash"],
      new Error("duplicate"),
    );
    const line = formatLogLine("error", "request failed", {
      reference: "42",
      error: failed,
      temporaryPassword: "Hunter2-Hunter2",
    });
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toMatchObject({ level: "error", reference: "42", temporaryPassword: "[redacted]" });
    expect(line).toContain("insert into accounts");
    expect(line).not.toContain("hashhashhash");
    expect(line).not.toContain("Hunter2");
  });

  it("names what caused a failed query (the database's code and message), without the error's detail", () => {
    const cause = Object.assign(new Error("deadlock detected"), {
      name: "PostgresError",
      code: "40P01",
      detail: "Process 1 waits for ShareLock on transaction 2; blocked by process 3.",
    });
    const failed = new DrizzleQueryError("update rate_limits set hits = hits - 1", ["signin:address:a@b.test"], cause);
    const logged = JSON.parse(formatLogLine("error", "action failed", { error: failed })) as {
      error: { cause?: unknown };
    };
    expect(logged.error.cause).toEqual({ name: "PostgresError", code: "40P01", message: "deadlock detected" });
    expect(JSON.stringify(logged)).not.toContain("a@b.test");
    expect(JSON.stringify(logged)).not.toContain("ShareLock");
  });
});
