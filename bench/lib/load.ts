import autocannon from "autocannon";
import { percentile, round } from "./stats";

export type LoadResult = {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
};

export type LoadOptions = {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** A fresh body for each request (unique addresses for Send Invite). */
  makeBody?: (n: number) => string;
  /** Headers for each request (several signed-in administrators take turns). */
  makeHeaders?: (n: number) => Record<string, string>;
  connections: number;
  durationSeconds?: number;
  amount?: number;
};

const samples = new WeakMap<LoadResult, { times: number[]; seconds: number }>();

/** One result from several runs' response times (interleaved runs of the same thing). */
export function mergeLoads(results: LoadResult[]): LoadResult {
  const times = results.flatMap((r) => samples.get(r)?.times ?? []);
  const seconds = results.reduce((s, r) => s + (samples.get(r)?.seconds ?? 0), 0);
  return summarize(times, Math.max(0.001, seconds), {
    errors: results.reduce((n, r) => n + r.errors, 0),
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
  });
}

function summarize(times: number[], elapsedSeconds: number, failures: { errors: number; non2xx: number }): LoadResult {
  const result = {
    requests: times.length,
    rps: round(times.length / elapsedSeconds),
    p50: round(percentile(times, 50)),
    p95: round(percentile(times, 95)),
    p99: round(percentile(times, 99)),
    ...failures,
  };
  samples.set(result, { times, seconds: elapsedSeconds });
  return result;
}

/**
 * Drives load with autocannon and computes percentiles from every response time (autocannon's
 * own summary has no p95). Counts 3xx as success: a server action that redirects answers 303.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const times: number[] = [];
  let counter = 0;
  const started = performance.now();
  let lastResponseAt = started;
  const instance = autocannon({
    url: options.url,
    method: options.method ?? "GET",
    headers: options.headers,
    body: options.body,
    connections: options.connections,
    pipelining: 1,
    timeout: 30,
    ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds ?? 10 }),
    ...(options.makeBody || options.makeHeaders
      ? {
          requests: [
            {
              setupRequest: (req: Record<string, unknown>) => {
                const n = counter++;
                return {
                  ...req,
                  ...(options.makeBody ? { body: options.makeBody(n) } : {}),
                  ...(options.makeHeaders
                    ? { headers: { ...(req.headers as Record<string, string>), ...options.makeHeaders(n) } }
                    : {}),
                };
              },
            },
          ],
        }
      : {}),
  });
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode < 400) times.push(responseTime);
    lastResponseAt = performance.now();
  });
  const result = await instance;
  // From the start to the last answer: autocannon notices the end of a fixed-count run (and sets
  // its own finish time) only at its next one-second tick.
  const elapsedSeconds = Math.max(0.001, ((options.amount ? lastResponseAt : performance.now()) - started) / 1000);
  return summarize(times, elapsedSeconds, { errors: result.errors + result.timeouts, non2xx: result.non2xx });
}
