import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { and, eq, like, notInArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { emailOutbox } from "@/db/schema";
import { pagePath, type ActionClient, type ActionInfo } from "../support/action-client";
import { addMember, createAccount, createOrganizationWithOwner } from "../support/factories";
import type { Fault, StandIn, StandInRequest } from "../support/resend-stand-in";
import { clientFor } from "./identities";

type Input = {
  db: Database;
  standIn: StandIn;
  /** The two app instances. */
  urls: [string, string];
  actions: ActionInfo[];
  /** The app servers' environment: the separate worker process runs with the same. */
  env: Record<string, string>;
  /** The app's EMAIL_SEND_TIMEOUT_MS: a timed-out answer hangs longer than this. */
  sendTimeoutMs: number;
};
export type FaultsOutcome = { figures: Record<string, number>; goals: [string, boolean][]; logs: string };

type Row = {
  id: string;
  status: string;
  attempts: number;
  idempotencyKey: string;
  /** Set when the message went out in a batch request: the request's idempotency key. */
  batchKey: string | null;
  toAddress: string;
  leasedBy: string | null;
  leaseExpiresAt: Date | null;
  sentAt: Date | null;
  lastError: string | null;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the condition holds; false when the deadline passed first (the figures then show what is missing). */
async function waitFor(
  condition: () => Promise<boolean> | boolean,
  deadlineMs: number,
  everyMs = 100,
): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > until) return false;
    await sleep(everyMs);
  }
}

const SETTLED = ["sent", "failed"];
const answerIs = (answer: StandInRequest["answer"], stage: Stage) =>
  stage === "500" ? answer === 500 : stage === "429" ? answer === 429 : answer === "timeout";
type Stage = "500" | "429" | "timeout";

/**
 * Email provider faults across the two instances' in-server workers and a worker process of
 * its own: invitations sent through Send Invite during an outage (the stand-in answering 500s,
 * then 429 with Retry-After, then taking the request and never answering in time), then the
 * recovery; and a worker SIGKILLed while it holds claimed messages. Every message must be
 * delivered, and none reach a mailbox twice.
 */
export async function runFaults({ db, standIn, urls, actions, env, sendTimeoutMs }: Input): Promise<FaultsOutcome> {
  const selectRow = {
    id: emailOutbox.id,
    status: emailOutbox.status,
    attempts: emailOutbox.attempts,
    idempotencyKey: emailOutbox.idempotencyKey,
    batchKey: emailOutbox.batchKey,
    toAddress: emailOutbox.toAddress,
    leasedBy: emailOutbox.leasedBy,
    leaseExpiresAt: emailOutbox.leaseExpiresAt,
    sentAt: emailOutbox.sentAt,
    lastError: emailOutbox.lastError,
  };
  // What earlier phases queued is delivered first; the rows that exist then are not this phase's.
  await waitFor(
    async () =>
      (
        await db
          .select({ id: emailOutbox.id })
          .from(emailOutbox)
          .where(notInArray(emailOutbox.status, ["sent", "failed"]))
      ).length === 0,
    60_000,
  );
  const before = (await db.select({ id: emailOutbox.id }).from(emailOutbox)).map((r) => r.id);
  const phaseRows = async (): Promise<Row[]> =>
    before.length
      ? db.select(selectRow).from(emailOutbox).where(notInArray(emailOutbox.id, before))
      : db.select(selectRow).from(emailOutbox);
  // A message's requests: its own (sent alone) and its batch's (invitations go 100 to a request).
  const requestsOf = (row: Pick<Row, "idempotencyKey" | "batchKey">) =>
    standIn.requests.filter(
      (r) =>
        r.idempotencyKey !== null && (r.idempotencyKey === row.idempotencyKey || r.idempotencyKey === row.batchKey),
    );

  // Three inviters (the 50 an hour per inviter is far off), each signed in on both instances, and
  // existing accounts of other organizations to invite alongside new addresses.
  const { org, owner } = await createOrganizationWithOwner(db, "Faults Corp");
  const inviters = [
    owner,
    await createAccount(db, { name: "Fred Faults" }),
    await createAccount(db, { name: "Fiona Faults" }),
  ];
  for (const admin of inviters.slice(1)) await addMember(db, org.id, admin.id, { role: "administrator" });
  const existing: string[] = [];
  for (let i = 0; i < 12; i++) existing.push((await createAccount(db, { name: `Existing ${i}` })).email);
  const clients: [ActionClient, ActionClient][] = [];
  for (const inviter of inviters) {
    const login = { email: inviter.email, password: "correct horse battery staple" };
    clients.push([await clientFor(urls[0], actions, login), await clientFor(urls[1], actions, login)]);
  }
  const send = clients[0]![0].find("app/o/[slug]/admin/users/invite/actions.ts", "sendInviteAction");
  const path = pagePath("app/o/[slug]/admin/users/invite/page", { slug: org.slug });

  let invited = 0;
  let unexpected = 0;
  let call = 0;
  /** `calls` Send Invite requests at once, spread over inviters and instances, of three addresses each (one existing, when any is left). */
  async function sendBatch(label: string, calls: number): Promise<void> {
    const responses = await Promise.all(
      Array.from({ length: calls }, (_, i) => {
        const n = call++;
        const addresses = [0, 1, 2].map((j) =>
          j === 0 && existing.length
            ? existing.pop()!
            : `faults.${label}.${i}.${j}.${randomBytes(3).toString("hex")}@example.com`,
        );
        return clients[n % 3]![Math.floor(n / 3) % 2]!.call(
          send,
          [
            org.slug,
            {
              idempotencyKey: crypto.randomUUID(),
              emails: addresses.join(", "),
              passwordDelivery: "email",
              options: {
                locale: n % 2 ? "fr" : "en",
                personalMessage: n % 3 ? "" : `Batch ${label}`,
                accessExpiry: "",
                external: false,
                privileged: false,
              },
            },
          ],
          { path },
        );
      }),
    );
    for (const r of responses) {
      const result = r.result as { ok?: boolean; data?: { invitations?: { outcome: string }[] } } | undefined;
      if (r.status >= 500 || !result?.ok) unexpected++;
      invited += result?.data?.invitations?.filter((x) => x.outcome === "sent").length ?? 0;
      unexpected += result?.data?.invitations?.filter((x) => x.outcome !== "sent").length ?? 0;
    }
  }

  // The outage, one kind of fault after another; each lasts until every message queued so far
  // has been answered with it at least once (invitations keep arriving meanwhile).
  const stages: [Stage, Fault[]][] = [
    ["500", [{ kind: "status", status: 500 }]],
    ["429", [{ kind: "status", status: 429, retryAfterSeconds: 2 }]],
    [
      "timeout",
      [
        { kind: "timeout", delayMs: sendTimeoutMs * 2 + 1_000, deliver: true },
        { kind: "timeout", delayMs: sendTimeoutMs * 2 + 1_000, deliver: false },
      ],
    ],
  ];
  let stagesReached = 0;
  for (const [stage, outage] of stages) {
    standIn.outage.splice(0, standIn.outage.length, ...outage);
    await sendBatch(stage, 2);
    const reached = await waitFor(async () => {
      const rows = await phaseRows();
      return rows.length > 0 && rows.every((row) => requestsOf(row).some((r) => answerIs(r.answer, stage)));
    }, 120_000);
    if (reached) stagesReached++;
  }
  standIn.outage.length = 0;
  await waitFor(async () => (await phaseRows()).every((r) => SETTLED.includes(r.status)), 180_000);

  // A worker process killed while it holds claimed messages. The provider answers slowly, so
  // the first message of its batch is on its way (and will be accepted) and the rest wait.
  standIn.latencyMs = 1_000;
  const child = spawn(process.execPath, ["--import", "tsx", "lib/email/worker-cli.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      ...env,
      EMAIL_POLL_MS: "1000",
      EMAIL_LEASE_MS: "3000",
      EMAIL_SEND_TIMEOUT_MS: String(sendTimeoutMs),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let workerOutput = "";
  child.stdout.on("data", (d: Buffer) => (workerOutput += d.toString()));
  child.stderr.on("data", (d: Buffer) => (workerOutput += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let claimed: Row[] = [];
  let killedAt = 0;
  try {
    await waitFor(() => workerOutput.includes("email worker started") || child.exitCode !== null, 120_000);
    const held = () =>
      db
        .select(selectRow)
        .from(emailOutbox)
        .where(and(eq(emailOutbox.status, "sending"), like(emailOutbox.leasedBy, `%:${child.pid}:%`)));
    for (let round = 0; round < 3 && claimed.length === 0 && child.exitCode === null; round++) {
      // The servers' own workers are kept busy with a few slow messages first, so that the next
      // ones wait for the worker process to claim them (a batch of them: it polls every second).
      await sendBatch(`busy${round}`, 2);
      await waitFor(async () => (await phaseRows()).every((r) => r.status !== "queued"), 5_000, 20);
      const batch = sendBatch(`kill${round}`, 4);
      if (await waitFor(async () => (await held()).length > 0, 20_000, 10)) {
        // Killed once its first request is at the provider: that message is accepted there but
        // never recorded, the others of its batch are claimed and not sent.
        await waitFor(
          async () => {
            const keys = new Set((await held()).flatMap((r) => [r.idempotencyKey, r.batchKey]));
            return standIn.requests.some(
              (r) => r.idempotencyKey && keys.has(r.idempotencyKey) && r.answer === undefined,
            );
          },
          2_000,
          10,
        );
        child.kill("SIGKILL");
        await exited;
        killedAt = Date.now();
        // What it held when it died, leases as it last renewed them.
        claimed = await held();
      }
      await batch;
      await waitFor(async () => (await phaseRows()).every((r) => SETTLED.includes(r.status)), 120_000);
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    standIn.latencyMs = 0;
  }
  await waitFor(async () => (await phaseRows()).every((r) => SETTLED.includes(r.status)), 120_000);

  const rows = await phaseRows();
  const keys = new Set(rows.flatMap((r) => [r.idempotencyKey, ...(r.batchKey ? [r.batchKey] : [])]));
  const recipients = new Set(rows.map((r) => r.toAddress.toLowerCase()));
  // Every address of the phase was invited once: a second email to one reached a mailbox twice.
  const acceptedTo = new Map<string, number>();
  for (const email of standIn.emails) {
    const to = email.to[0]?.toLowerCase() ?? "";
    if (recipients.has(to)) acceptedTo.set(to, (acceptedTo.get(to) ?? 0) + 1);
  }
  const duplicates = [...acceptedTo.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  // A stored email names its message (X-Entity-Ref-ID), whether it came alone or in a batch.
  const acceptedKeys = new Set(standIn.emails.flatMap((e) => [e.messageKey, e.idempotencyKey]));
  const requests = standIn.requests.filter((r) => r.idempotencyKey && keys.has(r.idempotencyKey));
  let retryAfterEarly = 0;
  for (const key of keys) {
    const mine = requests.filter((r) => r.idempotencyKey === key).sort((a, b) => a.at - b.at);
    for (let i = 1; i < mine.length; i++) {
      const previous = mine[i - 1]!;
      if (
        previous.answer === 429 &&
        previous.retryAfterSeconds &&
        mine[i]!.at - previous.at < previous.retryAfterSeconds * 1000
      )
        retryAfterEarly++;
    }
  }
  const claimedIds = new Set(claimed.map((c) => c.id));
  const leaseOf = new Map(claimed.map((c) => [c.id, c.leaseExpiresAt?.getTime() ?? Infinity]));
  const redelivered = rows.filter(
    (r) =>
      claimedIds.has(r.id) &&
      r.status === "sent" &&
      r.attempts >= 2 &&
      (r.sentAt?.getTime() ?? 0) >= leaseOf.get(r.id)!,
  ).length;
  const inFlightAtKill = claimed.filter((c) => requestsOf(c).some((r) => r.at <= killedAt)).length;
  // The message on its way when the worker died reached the provider; its redelivery is answered as a repeat.
  const repeatsAfterKill = claimed.filter((c) => requestsOf(c).some((r) => r.repeat)).length;
  const byAnswer = (answer: StandInRequest["answer"]) => requests.filter((r) => r.answer === answer).length;

  const figures = {
    invitations: invited,
    queued: rows.length,
    delivered: rows.filter((r) => r.status === "sent").length,
    failed: rows.filter((r) => r.status === "failed").length,
    accepted: rows.filter((r) => acceptedKeys.has(r.idempotencyKey)).length,
    duplicates,
    providerRequests: requests.length,
    answered500: byAnswer(500),
    answered429: byAnswer(429),
    timedOut: byAnswer("timeout"),
    answered409: byAnswer(409),
    repeatsAbsorbed: requests.filter((r) => r.repeat).length,
    retryAfterEarly,
    outageStagesReached: stagesReached,
    killedWorkerClaimed: claimed.length,
    killedWorkerInFlight: inFlightAtKill,
    killedWorkerNotSent: claimed.length - inFlightAtKill,
    killedWorkerRepeatsAbsorbed: repeatsAfterKill,
    redeliveredAfterLease: redelivered,
    sendInviteUnexpected: unexpected,
  };
  return {
    figures,
    goals: [
      ["faults: one email queued per invitation", figures.queued === invited && invited > 0],
      [
        "faults: every outage stage (500, 429, timeout) reached every message queued by then",
        stagesReached === stages.length,
      ],
      ["faults: every message delivered", figures.delivered === figures.queued],
      ["faults: the provider accepted every message", figures.accepted === figures.queued],
      ["faults: no email reaches a mailbox twice", duplicates === 0],
      ["faults: Retry-After honoured", retryAfterEarly === 0],
      [
        "faults: a killed worker's claimed messages delivered by another after the lease",
        claimed.length > 0 && redelivered === claimed.length,
      ],
      ["faults: no unexpected error sending invitations", unexpected === 0],
    ],
    logs: workerOutput,
  };
}
