import { describe, expect, it } from "vitest";
import { bodyTooLarge, readFormWithin, REQUEST_BODY_LIMIT, REQUEST_BODY_LIMIT_BYTES } from "@/lib/security/body-limit";
import nextConfig from "@/next.config";

const url = "http://localhost/o/acme/admin/users/invite/password-sheet";

function chunked(bytes: number): Request {
  const chunk = new Uint8Array(64 * 1024);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const next = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
      sent += next.length;
      controller.enqueue(next);
    },
  });
  return new Request(url, { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("request body limit", () => {
  it("is the limit Next.js applies to server actions", () => {
    expect(nextConfig.experimental?.serverActions?.bodySizeLimit).toBe(REQUEST_BODY_LIMIT);
    expect(REQUEST_BODY_LIMIT_BYTES).toBe(1024 * 1024);
  });

  it("refuses a body that declares more than the limit", async () => {
    const request = new Request(url, {
      method: "POST",
      headers: { "content-length": String(REQUEST_BODY_LIMIT_BYTES + 1) },
    });
    expect(await bodyTooLarge(request)).toBe(true);
  });

  it("refuses a chunked body that runs past the limit, and keeps one under it (positive control)", async () => {
    expect(await bodyTooLarge(chunked(REQUEST_BODY_LIMIT_BYTES + 1))).toBe(true);
    expect(await bodyTooLarge(chunked(REQUEST_BODY_LIMIT_BYTES))).toBe(false);
  });

  it("refuses a malformed Content-Length", async () => {
    const request = new Request(url, { method: "POST", headers: { "content-length": "1e9" } });
    expect(await bodyTooLarge(request)).toBe(true);
  });

  it("leaves bodiless methods alone", async () => {
    expect(await bodyTooLarge(new Request(url, { method: "GET" }))).toBe(false);
  });

  it("a route handler's form: 413 past its own limit, the form within it", async () => {
    const big = new Request(url, { method: "POST", body: new URLSearchParams({ token: "x".repeat(20_000) }) });
    const refused = await readFormWithin(big, 16 * 1024);
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(413);

    const small = new Request(url, { method: "POST", body: new URLSearchParams({ token: "sealed" }) });
    const form = await readFormWithin(small, 16 * 1024);
    expect(form).toBeInstanceOf(FormData);
    expect((form as FormData).get("token")).toBe("sealed");
  });
});
