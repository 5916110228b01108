import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Database } from "@/db/client";
import * as schema from "@/db/schema";
import { startServer, type RunningServer } from "../../bench/lib/server";
import { loadActions } from "../support/action-client";
import { createDatabase, databaseUrl, dropDatabases } from "../support/postgres-admin";
import { startResendStandIn } from "../support/resend-stand-in";
import { runConcurrency } from "./concurrency";
import { runFaults } from "./faults";
import { runFuzz } from "./fuzz";
import { clientFor, refusedIdentities, seedWorld, type IdentityName } from "./identities";
import { loadRoutes, runMatrix, runRouteMatrix, unmappedActions } from "./matrix";
import { samples } from "./samples";
import { findLeaks, secretsInEmailText } from "./secrets";

/**
 * `npm run test:reliability`: the project's reliability claims, measured against a production
 * build on a throwaway PostgreSQL database with two app instances. Writes
 * reports/reliability.json and a table; exits non-zero when a goal is missed.
 */
const serverUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const prefix = `gatehouse_rel_${randomBytes(4).toString("hex")}`;
const buildDir = path.join(process.cwd(), ".next");
const FUZZ_TOTAL = Number(process.env.RELIABILITY_FUZZ_CASES ?? 10_000);
const port = Number(process.env.RELIABILITY_PORT ?? 3700);
const SEND_TIMEOUT_MS = 2_000;

if (!existsSync(path.join(buildDir, "BUILD_ID"))) {
  console.error("No production build: run `npm run build` first.");
  process.exit(2);
}

const servers: RunningServer[] = [];
const standIn = await startResendStandIn(0);
const url = databaseUrl(serverUrl, prefix);
let sqlClient: ReturnType<typeof postgres> | undefined;
let exitCode = 1;

try {
  await createDatabase(serverUrl, prefix);
  const env = {
    DATABASE_URL: url,
    APP_URL: `http://localhost:${port}`,
    AUTH_SECRET: randomBytes(32).toString("base64"),
    OUTBOX_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    RESEND_API_KEY: "re_reliability",
    RESEND_BASE_URL: standIn.url,
    BCRYPT_COST: "4",
    EMAIL_RETRY_BASE_MS: "200",
    EMAIL_POLL_MS: "200",
    EMAIL_SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS),
    LOG_LEVEL: "debug",
  };
  servers.push(await startServer(port, env));
  servers.push(await startServer(port + 1, env));
  const [a, b] = servers as [RunningServer, RunningServer];

  sqlClient = postgres(url, { max: 4, onnotice: () => {} });
  const db = drizzle(sqlClient, { schema }) as unknown as Database;
  const world = await seedWorld(db);
  const actions = loadActions(buildDir);

  const clients = {} as Record<IdentityName, Awaited<ReturnType<typeof clientFor>>>;
  for (const identity of refusedIdentities)
    clients[identity] = await clientFor(a.url, actions, world.accounts[identity]);
  const admin = await clientFor(a.url, actions, world.accounts.admin);
  const adminOnB = await clientFor(b.url, actions, world.accounts.admin);

  const unmapped = unmappedActions(actions);
  const matrix = [
    ...(await runMatrix(db, world, actions, clients)),
    ...(await runRouteMatrix(db, world, a.url, loadRoutes(buildDir), clients)),
  ];
  const fuzzable = actions.filter((x) => samples[`${x.file}#${x.name}`]?.fuzz).length;
  const fuzz = await runFuzz(db, world, actions, admin, Math.ceil(FUZZ_TOTAL / Math.max(1, fuzzable)));
  const concurrency = await runConcurrency({
    db,
    world,
    clients: [admin, adminOnB],
    signIn: (server, login) => clientFor(server === 0 ? a.url : b.url, actions, login),
  });

  // Drains what the earlier phases queued first, and ends with an empty outbox.
  const faults = await runFaults({ db, standIn, urls: [a.url, b.url], actions, env, sendTimeoutMs: SEND_TIMEOUT_MS });

  const secrets = [
    world.invitation.key,
    ...concurrency.secrets,
    ...standIn.emails.flatMap((e) => secretsInEmailText(e.text ?? "")),
  ];
  const logs = [...servers.map((s) => s.output()), faults.logs].join("\n");
  const leaks = await findLeaks({ secrets, logs, db, standIn, buildDir });

  const report = {
    generatedAt: new Date().toISOString(),
    authz: {
      actions: actions.length,
      unmapped,
      cases: matrix.length,
      refused: matrix.filter((c) => c.refused).length,
      writes: matrix.filter((c) => c.wrote).length,
      failures: matrix.filter((c) => !c.refused || c.wrote),
    },
    fuzz: {
      cases: fuzz.cases,
      unhandled: fuzz.unhandled,
      writes: fuzz.writes,
      byAction: fuzz.byAction,
      examples: fuzz.examples,
    },
    concurrency: concurrency.figures,
    faults: faults.figures,
    secrets: { checked: new Set(secrets).size, found: leaks.length, findings: leaks },
  };

  const goals: [string, boolean][] = [
    ["every action is in the matrix", unmapped.length === 0],
    ["authz: every case refused", report.authz.refused === report.authz.cases && report.authz.cases > 0],
    ["authz: no writes", report.authz.writes === 0],
    ["fuzz: at least 10,000 cases", fuzz.cases >= Math.min(FUZZ_TOTAL, 10_000)],
    ["fuzz: no unhandled error", fuzz.unhandled === 0],
    ["fuzz: no writes", fuzz.writes === 0],
    ...concurrency.goals,
    ...faults.goals,
    ["secrets: none found", leaks.length === 0],
  ];

  mkdirSync("reports", { recursive: true });
  writeFileSync(
    "reports/reliability.json",
    JSON.stringify({ ...report, goals: Object.fromEntries(goals) }, null, 2) + "\n",
  );

  const rows: [string, string | number][] = [
    ["authz.cases", report.authz.cases],
    ["authz.refused", report.authz.refused],
    ["authz.writes", report.authz.writes],
    ["fuzz.cases", fuzz.cases],
    ["fuzz.unhandled", fuzz.unhandled],
    ["fuzz.writes", fuzz.writes],
    ...Object.entries(concurrency.figures).map(([k, v]) => [`concurrency.${k}`, v] as [string, number]),
    ...Object.entries(faults.figures).map(([k, v]) => [`faults.${k}`, v] as [string, number]),
    ["secrets.found", leaks.length],
  ];
  console.log("\n| figure | value |\n|---|---|");
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  const missed = goals.filter(([, ok]) => !ok);
  console.log(`\n${goals.length - missed.length} passed, ${missed.length} failed`);
  for (const [goal] of missed) console.log(`MISSED: ${goal}`);
  if (report.authz.failures.length) console.log(JSON.stringify(report.authz.failures.slice(0, 10), null, 2));
  if (fuzz.examples.length) console.log(fuzz.examples.join("\n"));
  if (process.env.RELIABILITY_SHOW_ERRORS)
    for (const s of servers)
      console.log(
        s
          .output()
          .split("\n")
          .filter((l) => l.includes('"level":"error"'))
          .slice(0, 20)
          .join("\n"),
      );
  if (unmapped.length) console.log(`Actions missing from tests/reliability/samples.ts: ${unmapped.join(", ")}`);
  exitCode = missed.length ? 1 : 0;
} catch (error) {
  console.error(error);
  for (const s of servers) console.error(s.output().slice(-4000));
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  await sqlClient?.end({ timeout: 5 });
  await standIn.close();
  await dropDatabases(serverUrl, prefix);
}
process.exit(exitCode);
