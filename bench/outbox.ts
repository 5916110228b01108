import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "drizzle-orm";
import { openPostgres } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { emailOutbox } from "@/db/schema";
import { RESEND_MAX_BATCH_SIZE } from "@/lib/email/resend-transport";
import { sealSecret } from "@/lib/email/secret-box";
import { createOrganization } from "../tests/support/factories";
import { createDatabase, databaseUrl, dropDatabases } from "../tests/support/postgres-admin";
import { startResendStandIn } from "../tests/support/resend-stand-in";
import { round } from "./lib/stats";

/**
 * The outbox at the provider's rate: `messages` queued invitation emails drained by `workers`
 * delivery workers (`npm run worker`, each its own process) sharing one PostgreSQL database,
 * against a Resend stand-in of its own that answers 429 above `ratePerSecond` requests in any
 * second. The ideal is `messages / (ratePerSecond × batch size)` seconds.
 */
export type OutboxFigures = {
  messages: number;
  workers: number;
  ratePerSecond: number;
  batchSize: number;
  drainSeconds: number;
  idealSeconds: number;
  ratio: number;
  requests: number;
  status429: number;
  duplicates: number;
  delivered: number;
  sent: number;
  failed: number;
  /** CPU seconds the worker processes spent in all (rendering, mostly), and per message. */
  workerCpuSeconds: number;
  workerCpuMsPerMessage: number;
  /** Requests whose messages took longer to prepare than their turn's wait: each took another turn. */
  missedTurns: number;
};

/** User + system CPU seconds of a live process, from /proc (Linux); 0 elsewhere. */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14-17 of stat (utime, stime, cutime, cstime), counted from after the command name.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return ticks / 100;
  } catch {
    return 0;
  }
}

export async function measureOutbox(options: {
  serverUrl: string;
  messages?: number;
  workers?: number;
  ratePerSecond?: number;
  log: (message: string) => void;
}): Promise<OutboxFigures> {
  const messages = options.messages ?? 2000;
  const workerCount = options.workers ?? 2;
  const rate = options.ratePerSecond ?? 2;
  const { log } = options;
  const dbName = `gatehouse_bench_outbox_${randomBytes(4).toString("hex")}`;
  const url = databaseUrl(options.serverUrl, dbName);
  const key = randomBytes(32);
  const standIn = await startResendStandIn(0);
  const workers: ChildProcess[] = [];
  const outputs: string[] = [];
  await createDatabase(options.serverUrl, dbName);
  const handle = await openPostgres(url, { max: 2 });
  try {
    const org = await createOrganization(handle.db, "Bench Outbox Co");
    log(`outbox: starting ${workerCount} delivery workers (npm run worker)`);
    const started: Promise<void>[] = [];
    for (let i = 0; i < workerCount; i++) {
      const child = spawn(path.join("node_modules", ".bin", "tsx"), ["lib/email/worker-cli.ts"], {
        env: {
          ...process.env,
          NODE_ENV: "production",
          DATABASE_URL: url,
          RESEND_API_KEY: "re_bench",
          RESEND_BASE_URL: standIn.url,
          OUTBOX_ENCRYPTION_KEY: key.toString("base64"),
          AUTH_SECRET: randomBytes(32).toString("base64"),
          APP_URL: "http://localhost:3900",
          EMAIL_RATE_PER_SECOND: String(rate),
          EMAIL_POLL_MS: "200",
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      workers.push(child);
      outputs.push("");
      started.push(
        new Promise<void>((resolve, reject) => {
          const onData = (d: Buffer) => {
            outputs[i] += d.toString();
            if (outputs[i]!.includes("email worker started")) resolve();
          };
          child.stdout?.on("data", onData);
          child.stderr?.on("data", onData);
          child.once("exit", (code) => reject(new Error(`worker ${i} exited (${code}):\n${outputs[i]}`)));
        }),
      );
    }
    await Promise.all(started);

    // tsx runs the worker in a child process of its own: the CPU is counted over the whole tree.
    const cpuBefore = workers.reduce((sum, w) => sum + treeCpuSeconds(w.pid), 0);
    standIn.ratePerSecond = rate;
    log(`outbox: queueing ${messages} invitation emails; the stand-in answers 429 above ${rate} requests/s`);
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const queuedAt = await handle.db.transaction(async (tx) => {
      for (let from = 0; from < messages; from += 500) {
        const rows = Array.from({ length: Math.min(500, messages - from) }, (_, j) => {
          const n = from + j;
          return {
            organizationId: org.id,
            template: "invitation",
            locale: n % 2 ? ("fr" as const) : ("en" as const),
            toAddress: `outbox.${n}.${dbName}@bench.example.com`,
            payload: {
              invitationId: randomUUID(),
              organizationName: "Bench Outbox Co",
              inviterName: "Bench Owner",
              inviterEmail: "owner@bench.example.com",
              role: "user",
              expiresAt,
              personalMessage: null,
              variant: "new-with-password",
              twoStepRequired: false,
            },
            secretCiphertext: sealSecret(
              JSON.stringify({ key: randomBytes(16).toString("base64url"), temporaryPassword: `Bench-${n}-pw` }),
              key,
            ),
          };
        });
        await tx.insert(emailOutbox).values(rows);
      }
      return Date.now();
    });

    let settled = { sent: 0, failed: 0 };
    const deadline = queuedAt + Math.max(120_000, (messages / rate) * 1000);
    for (;;) {
      const [row] = rowsOf<{ sent: number; failed: number }>(
        await handle.db.execute(sql`select count(*) filter (where status = 'sent')::int as sent,
                                           count(*) filter (where status = 'failed')::int as failed
                                      from email_outbox`),
      );
      settled = { sent: Number(row!.sent), failed: Number(row!.failed) };
      if (settled.sent + settled.failed >= messages || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const drainSeconds = round((Date.now() - queuedAt) / 1000, 2);
    const workerCpuSeconds = round(workers.reduce((sum, w) => sum + treeCpuSeconds(w.pid), 0) - cpuBefore, 2);
    const idealSeconds = round(messages / (rate * RESEND_MAX_BATCH_SIZE), 2);
    const figures: OutboxFigures = {
      messages,
      workers: workerCount,
      ratePerSecond: rate,
      batchSize: RESEND_MAX_BATCH_SIZE,
      drainSeconds,
      idealSeconds,
      ratio: round(drainSeconds / idealSeconds, 3),
      requests: standIn.requests.length,
      status429: standIn.requests.filter((r) => r.answer === 429).length,
      duplicates: standIn.duplicates(),
      delivered: standIn.emails.length,
      ...settled,
      workerCpuSeconds,
      workerCpuMsPerMessage: round((workerCpuSeconds * 1000) / messages, 1),
      missedTurns: outputs.reduce((n, o) => n + (o.match(/missed its turn/g)?.length ?? 0), 0),
    };
    log(
      `outbox: ${figures.sent} sent in ${drainSeconds} s (ideal ${idealSeconds} s), ${figures.requests} requests, ${figures.status429} answered 429, ${figures.duplicates} duplicates, workers' CPU ${workerCpuSeconds} s, ${figures.missedTurns} missed turns`,
    );
    return figures;
  } finally {
    await Promise.all(
      workers.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.removeAllListeners("exit");
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
          }),
      ),
    );
    await handle.close();
    await standIn.close();
    await dropDatabases(options.serverUrl, dbName);
  }
}

/** A process and its descendants' CPU seconds (Linux /proc). */
function treeCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  let total = cpuSecondsOf(pid);
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    for (const child of children) total += treeCpuSeconds(Number(child));
  } catch {
    // not Linux, or gone
  }
  return total;
}

/** The goals of the outbox figures, as bench/run.ts lists them. */
export function outboxGoals(outbox: OutboxFigures | null): [string, string, boolean][] {
  if (!outbox) return [];
  return [
    [
      "outbox.drainSeconds within 20 % of the ideal",
      `${outbox.drainSeconds} s ÷ ${outbox.idealSeconds} s = ${outbox.ratio}`,
      outbox.ratio <= 1.2 && outbox.sent === outbox.messages,
    ],
    ["outbox.status429 = 0", String(outbox.status429), outbox.status429 === 0],
    ["outbox duplicates = 0", String(outbox.duplicates), outbox.duplicates === 0],
  ];
}

// `npx tsx --conditions=react-server bench/outbox.ts [messages]`: this phase alone, printed as JSON.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const figures = await measureOutbox({
    serverUrl: process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    messages: process.argv[2] ? Number(process.argv[2]) : undefined,
    log: (message) => console.error(`[bench] ${message}`),
  });
  console.log(JSON.stringify(figures, null, 2));
  process.exit(0);
}
