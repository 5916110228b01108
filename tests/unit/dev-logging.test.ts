import { describe, expect, it } from "vitest";
import nextConfig from "@/next.config";

// The development server's own logging; the dev e2e (tests/e2e-dev/mailbox.spec.ts)
// checks its output end to end.
describe("framework logging", () => {
  const logging = nextConfig.logging;

  it("never prints server functions' arguments", () => {
    expect(logging && logging.serverFunctions).toBe(false);
  });

  it("never prints a URL that carries a key, and prints the others", () => {
    const ignore = logging && typeof logging.incomingRequests === "object" ? logging.incomingRequests.ignore : [];
    const hidden = (url: string) => (ignore ?? []).some((pattern) => pattern.test(url));
    expect(hidden("/invite/0b6f3c1e-5a43-4f4e-9d1c-2f6a8e4b7c10?key=abc")).toBe(true);
    expect(hidden("/reset-password/0b6f3c1e-5a43-4f4e-9d1c-2f6a8e4b7c10?x=1&key=abc")).toBe(true);
    expect(hidden("/o/acme/admin/users?page=2")).toBe(false);
  });

  it("keeps the browser's console out of the server's output", () => {
    expect(logging && logging.browserToTerminal).toBe(false);
  });
});
