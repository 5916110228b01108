import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * A local stand-in for the Resend HTTP API, for tests: the real SDK, pointed at it through
 * RESEND_BASE_URL, sends here (POST /emails, and POST /emails/batch with up to 100 messages,
 * sent all or none). It records every request and its answer, honours Idempotency-Key as Resend
 * does, per request (a repeated key returns the first answer and sends nothing more; the same key
 * with another body is refused with 409 `invalid_idempotent_request`; a repeat while the first
 * is still being processed gets 409 `concurrent_idempotent_requests`), and can be told to fail.
 *
 * Rate mode (`ratePerSecond`): a request arriving when as many have been admitted in the last
 * 1,000 ms is answered 429 with `retry-after`, as Resend answers above its account's rate.
 *
 * Each stored email keeps the message it names in its X-Entity-Ref-ID header; `duplicates()`
 * counts the emails delivered again for a message already delivered, whichever request did it.
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
  /** The message it is, from its X-Entity-Ref-ID header (the sender's idempotency key for it). */
  messageKey: string | null;
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
  /** Messages in the request (1 for POST /emails). */
  messages: number;
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
  /** Requests admitted per rolling second; more are answered 429. Null: no limit. */
  ratePerSecond: number | null;
  /** Emails delivered for a message (by X-Entity-Ref-ID) that had already been delivered. */
  duplicates: () => number;
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

type Message = {
  from: string;
  to: string | string[];
  subject: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
};

const MAX_BATCH = 100;
const REF_HEADER = "x-entity-ref-id";

function messageKeyOf(message: Message): string | null {
  for (const [name, value] of Object.entries(message.headers ?? {}))
    if (name.toLowerCase() === REF_HEADER) return value;
  return null;
}

export async function startResendStandIn(port = 0): Promise<StandIn> {
  // Keys are per endpoint: a batch's key and a single email's key never answer for each other.
  const byKey = new Map<string, { answer: unknown; body: string }>();
  const inFlight = new Set<string>();
  let outageTurn = 0;
  /** Arrival times of the requests the rate mode admitted in the last second. */
  const admitted: number[] = [];
  const state: Omit<StandIn, "url" | "close" | "duplicates"> = {
    emails: [],
    requests: [],
    faults: [],
    outage: [],
    latencyMs: 0,
    ratePerSecond: null,
  };
  const duplicates = () => {
    const seen = new Set<string>();
    let count = 0;
    for (const email of state.emails) {
      if (!email.messageKey) continue;
      if (seen.has(email.messageKey)) count++;
      seen.add(email.messageKey);
    }
    return count;
  };

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
      admitted.length = 0;
      return json(res, 200, {});
    }
    if (url.pathname === "/__faults" && req.method === "POST") {
      const parsed = JSON.parse(body || "{}") as {
        faults?: Fault[];
        outage?: Fault[];
        latencyMs?: number;
        ratePerSecond?: number | null;
      };
      state.faults.splice(0, state.faults.length, ...(parsed.faults ?? []));
      state.outage.splice(0, state.outage.length, ...(parsed.outage ?? []));
      state.latencyMs = parsed.latencyMs ?? 0;
      state.ratePerSecond = parsed.ratePerSecond ?? null;
      return json(res, 200, {});
    }
    const batch = url.pathname === "/emails/batch";
    if ((url.pathname !== "/emails" && !batch) || req.method !== "POST")
      return json(res, 404, { statusCode: 404, name: "not_found", message: "Not found" });

    const request: StandInRequest = { path: url.pathname, idempotencyKey, body, at: Date.now(), messages: 1 };
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

    // The account's rate comes first: a request above it is refused whatever it holds.
    if (state.ratePerSecond !== null) {
      while (admitted.length && admitted[0]! <= request.at - 1000) admitted.shift();
      if (admitted.length >= state.ratePerSecond) {
        const resetSeconds = Math.max(1, Math.ceil((admitted[0]! + 1000 - request.at) / 1000));
        request.retryAfterSeconds = resetSeconds;
        return answer(
          429,
          {
            statusCode: 429,
            name: "rate_limit_exceeded",
            message: `Too many requests. You can only make ${state.ratePerSecond} requests per second.`,
          },
          {
            "retry-after": String(resetSeconds),
            "ratelimit-limit": String(state.ratePerSecond),
            "ratelimit-remaining": "0",
            "ratelimit-reset": String(resetSeconds),
          },
        );
      }
      admitted.push(request.at);
    }

    let messages: Message[];
    try {
      const parsed = JSON.parse(body) as Message | Message[];
      messages = batch ? (parsed as Message[]) : [parsed as Message];
      if (!Array.isArray(messages) || messages.length === 0) throw new Error("empty");
    } catch {
      return answer(422, { statusCode: 422, name: "validation_error", message: "Invalid request body." });
    }
    request.messages = messages.length;
    if (batch && messages.length > MAX_BATCH) {
      return answer(422, {
        statusCode: 422,
        name: "validation_error",
        message: `Too many emails in the batch: at most ${MAX_BATCH}.`,
      });
    }
    const storeKey = idempotencyKey ? `${url.pathname} ${idempotencyKey}` : null;

    const deliver = (): unknown => {
      const existing = storeKey ? byKey.get(storeKey) : undefined;
      if (existing) {
        request.repeat = true;
        return existing.answer;
      }
      const ids = messages.map((message) => {
        const email: StoredEmail = {
          id: randomUUID(),
          idempotencyKey,
          from: message.from,
          to: Array.isArray(message.to) ? message.to : [message.to],
          subject: message.subject,
          html: message.html,
          text: message.text,
          receivedAt: new Date().toISOString(),
          messageKey: messageKeyOf(message),
        };
        state.emails.push(email);
        return { id: email.id };
      });
      const result = batch ? { data: ids } : ids[0]!;
      if (storeKey) byKey.set(storeKey, { answer: result, body });
      return result;
    };

    // Resend's idempotency rules come before anything else happens to the request.
    if (storeKey && inFlight.has(storeKey)) {
      return answer(409, {
        statusCode: 409,
        name: "concurrent_idempotent_requests",
        message: "Same idempotency key used while original request is still in progress.",
      });
    }
    const known = storeKey ? byKey.get(storeKey) : undefined;
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
    if (delay && storeKey) inFlight.add(storeKey);
    try {
      if (delay) await sleep(delay);
      // Delivered even when the sender has gone meanwhile: the provider got the whole request.
      return answer(200, deliver());
    } finally {
      if (storeKey) inFlight.delete(storeKey);
    }
  });

  // Longer than any pause of the tests' senders: a kept-alive connection is not closed under a request.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${actualPort}`,
    duplicates,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as StandIn;
}
