import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * A local stand-in for the Resend HTTP API, for tests: the real SDK, pointed at it through
 * RESEND_BASE_URL, sends here. It records every request and its answer, honours Idempotency-Key
 * as Resend does (a repeated key returns the first answer and sends nothing more; the same key
 * with another body is refused with 409 `invalid_idempotent_request`; a repeat while the first
 * is still being processed gets 409 `concurrent_idempotent_requests`), and can be told to fail.
 *
 * Control endpoints (not part of Resend): GET /__emails, DELETE /__emails, POST /__faults.
 */
export type StoredEmail = {
  id: string;
  idempotencyKey: string | null;
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  receivedAt: string;
};

/** What the next requests to POST /emails get instead of a success, consumed in order. */
export type Fault =
  | { kind: "status"; status: number; retryAfterSeconds?: number; message?: string }
  | { kind: "timeout"; delayMs: number; deliver: boolean }
  | { kind: "delay"; delayMs: number };

/** One POST /emails as received, and what it was answered (`timeout`: no answer). */
export type StandInRequest = {
  path: string;
  idempotencyKey: string | null;
  body: string;
  /** Epoch milliseconds of arrival. */
  at: number;
  answer?: number | "timeout";
  retryAfterSeconds?: number;
  /** Answered with the first answer of an idempotency key already accepted: nothing was sent. */
  repeat?: boolean;
};

export type StandIn = {
  url: string;
  emails: StoredEmail[];
  requests: StandInRequest[];
  faults: Fault[];
  /**
   * An outage: while not empty, every request that no queued fault answers gets these in turn,
   * cycling, until it is emptied again.
   */
  outage: Fault[];
  /** Delay added to every successful answer (a slow provider). */
  latencyMs: number;
  close: () => Promise<void>;
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startResendStandIn(port = 0): Promise<StandIn> {
  const byKey = new Map<string, { id: string; body: string }>();
  const inFlight = new Set<string>();
  let outageTurn = 0;
  const state: Omit<StandIn, "url" | "close"> = { emails: [], requests: [], faults: [], outage: [], latencyMs: 0 };

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://stand-in");
    const idempotencyKey = (req.headers["idempotency-key"] as string | undefined) ?? null;

    if (url.pathname === "/__emails" && req.method === "GET") return json(res, 200, state.emails);
    if (url.pathname === "/__emails" && req.method === "DELETE") {
      state.emails.length = 0;
      state.requests.length = 0;
      byKey.clear();
      inFlight.clear();
      return json(res, 200, {});
    }
    if (url.pathname === "/__faults" && req.method === "POST") {
      const parsed = JSON.parse(body || "{}") as { faults?: Fault[]; outage?: Fault[]; latencyMs?: number };
      state.faults.splice(0, state.faults.length, ...(parsed.faults ?? []));
      state.outage.splice(0, state.outage.length, ...(parsed.outage ?? []));
      state.latencyMs = parsed.latencyMs ?? 0;
      return json(res, 200, {});
    }
    if (url.pathname !== "/emails" || req.method !== "POST")
      return json(res, 404, { statusCode: 404, name: "not_found", message: "Not found" });

    const request: StandInRequest = { path: url.pathname, idempotencyKey, body, at: Date.now() };
    state.requests.push(request);
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      request.answer = status;
      return json(res, status, payload, headers);
    };
    if (req.headers.authorization?.startsWith("Bearer ") !== true) {
      return answer(401, {
        statusCode: 401,
        name: "missing_api_key",
        message: "Missing API key in the authorization header.",
      });
    }

    const deliver = (): { id: string } => {
      const existing = idempotencyKey ? byKey.get(idempotencyKey) : undefined;
      if (existing) {
        request.repeat = true;
        return { id: existing.id };
      }
      const payload = JSON.parse(body) as {
        from: string;
        to: string | string[];
        subject: string;
        html?: string;
        text?: string;
      };
      const email: StoredEmail = {
        id: randomUUID(),
        idempotencyKey,
        from: payload.from,
        to: Array.isArray(payload.to) ? payload.to : [payload.to],
        subject: payload.subject,
        html: payload.html,
        text: payload.text,
        receivedAt: new Date().toISOString(),
      };
      state.emails.push(email);
      if (idempotencyKey) byKey.set(idempotencyKey, { id: email.id, body });
      return { id: email.id };
    };

    // Resend's idempotency rules come before anything else happens to the request.
    if (idempotencyKey && inFlight.has(idempotencyKey)) {
      return answer(409, {
        statusCode: 409,
        name: "concurrent_idempotent_requests",
        message: "Same idempotency key used while original request is still in progress.",
      });
    }
    const known = idempotencyKey ? byKey.get(idempotencyKey) : undefined;
    if (known && known.body !== body) {
      return answer(409, {
        statusCode: 409,
        name: "invalid_idempotent_request",
        message: "Same idempotency key used with a different request payload.",
      });
    }

    const fault =
      state.faults.shift() ?? (state.outage.length ? state.outage[outageTurn++ % state.outage.length] : undefined);
    if (fault?.kind === "status") {
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
      request.retryAfterSeconds = fault.retryAfterSeconds;
      return answer(
        fault.status,
        {
          statusCode: fault.status,
          name: fault.status === 429 ? "rate_limit_exceeded" : "application_error",
          message: fault.message ?? `Stand-in answered ${fault.status}`,
        },
        headers,
      );
    }
    if (fault?.kind === "timeout") {
      // The provider accepts (or not) but the answer never arrives in time.
      request.answer = "timeout";
      if (fault.deliver) deliver();
      await sleep(fault.delayMs);
      res.destroy();
      return;
    }
    const delay = (fault?.kind === "delay" ? fault.delayMs : 0) + state.latencyMs;
    if (delay && idempotencyKey) inFlight.add(idempotencyKey);
    try {
      if (delay) await sleep(delay);
      // Delivered even when the sender has gone meanwhile: the provider got the whole request.
      return answer(200, deliver());
    } finally {
      if (idempotencyKey) inFlight.delete(idempotencyKey);
    }
  });

  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as StandIn;
}
