// Request body limits. Plain module (no server-only marker): next.config.ts and proxy.ts read it too.

/** The largest request body any page, server action or route handler accepts. */
export const REQUEST_BODY_LIMIT_BYTES = 1024 * 1024;
/** The same limit in the notation of Next.js's `serverActions.bodySizeLimit`. */
export const REQUEST_BODY_LIMIT = "1mb";

const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function payloadTooLarge(): Response {
  return new Response("Payload Too Large", {
    status: 413,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", Connection: "close" },
  });
}

/**
 * Whether the request's body is over `limit` bytes: by its Content-Length when it declares one,
 * otherwise by reading a copy of it (chunked uploads) and stopping at the first byte past the limit.
 */
export async function bodyTooLarge(request: Request, limit = REQUEST_BODY_LIMIT_BYTES): Promise<boolean> {
  if (!METHODS_WITH_BODY.has(request.method)) return false;
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    const length = Number(declared);
    return !Number.isSafeInteger(length) || length > limit;
  }
  const body = request.clone().body;
  if (!body) return false;
  const reader = body.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return false;
    size += value.byteLength;
    if (size > limit) {
      // A copy's cancellation settles only once the original is cancelled too: not awaited.
      reader.cancel().catch(() => undefined);
      return true;
    }
  }
}

/** The request's form, or a 413 response when its body is over `limit` bytes, or null when it is not a form. */
export async function readFormWithin(request: Request, limit: number): Promise<FormData | Response | null> {
  if (await bodyTooLarge(request, limit)) return payloadTooLarge();
  return request.formData().catch(() => null);
}
