import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Database } from "@/db/client";
import { rowsOf } from "@/db/rows";
import * as schema from "@/db/schema";
import { startServer, type RunningServer } from "../../bench/lib/server";
import { loadActions } from "../support/action-client";
import { createDatabase, databaseUrl, dropDatabases } from "../support/postgres-admin";
import { startResendStandIn } from "../support/resend-stand-in";
import { runBruteForce } from "./brute-force";
import { runConcurrency } from "./concurrency";
import { runFaults } from "./faults";
import { runFuzz } from "./fuzz";
import { runInputFuzz } from "./fuzz-input";
import {
  clientFor,
  enrollAuthenticator,
  refusedIdentities,
  seedWorld,
  signInPending,
  type IdentityName,
} from "./identities";
import { clearRateLimits, inviteManually } from "./links";
import {
  loadRoutes,
  runMatrix,
  runRouteMatrix,
  unmappedActions,
  unmappedRoutes,
  type MatrixCase,
  type Prepare,
} from "./matrix";
import { noPositiveControl, runPositiveControls } from "./positive";
import { runRedirects } from "./redirects";
import { samples } from "./samples";
import { findLeaks, secretsInEmailText, twoStepSecretForms, twoStepStorage } from "./secrets";
import { runSessions } from "./sessions";
import { runTempPasswords } from "./temp-passwords";
import { runTwoStep } from "./two-step";

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

/** Per identity, and per kind of case: how many cases, how many refused, how many wrote. */
function byIdentity(cases: MatrixCase[]) {
  const out: Record<
    string,
    {
      cases: number;
      refused: number;
      writes: number;
      byKind: Record<string, { cases: number; refused: number; writes: number }>;
    }
  > = {};
  for (const c of cases) {
    const entry = (out[c.identity] ??= { cases: 0, refused: 0, writes: 0, byKind: {} });
    const kind = (entry.byKind[c.kind] ??= { cases: 0, refused: 0, writes: 0 });
    for (const bucket of [entry, kind]) {
      bucket.cases++;
      if (c.refused) bucket.refused++;
      if (c.wrote) bucket.writes++;
    }
  }
  return out;
}

if (!existsSync(path.join(buildDir, "BUILD_ID"))) {
  console.error("No production build: run `npm run build` first.");
  process.exit(2);
}

const startedAt = Date.now();
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
    // The stand-in has no rate of its own: the suite need not wait on the provider's default 2 a second.
    EMAIL_RATE_PER_SECOND: "100",
    // The faults phase follows each message through the provider one request at a time (its kill
    // scenario needs a worker holding messages of its own); batches under faults are covered by
    // tests/integration/email-batches.test.ts.
    EMAIL_BATCH_SIZE: "1",
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

  const timings: Record<string, number> = {};
  let mark = Date.now();
  const lap = (phase: string) => {
    timings[phase] = Math.round((Date.now() - mark) / 100) / 10;
    mark = Date.now();
    console.log(`${phase}: ${timings[phase]} s`);
  };

  const clients = {} as Record<IdentityName, Awaited<ReturnType<typeof clientFor>>>;
  // The pending sign-in's account enrolls an authenticator app through the product, then signs in
  // with its password only: the sealed second-step state, no session.
  const pendingLogin = world.accounts.secondStepPending!;
  const pendingFactor = await enrollAuthenticator(await clientFor(a.url, actions, pendingLogin));
  const [pendingFactorRow] = await db
    .select({ id: schema.twoStepFactors.id })
    .from(schema.twoStepFactors)
    .innerJoin(schema.accounts, eq(schema.accounts.id, schema.twoStepFactors.accountId))
    .where(eq(schema.accounts.email, pendingLogin.email));
  world.twoStep.pendingFactorId = pendingFactorRow!.id;
  for (const identity of refusedIdentities)
    clients[identity] =
      identity === "secondStepPending"
        ? await signInPending(a.url, actions, pendingLogin)
        : await clientFor(a.url, actions, world.accounts[identity]);
  clients.heldAdministrator = await clientFor(a.url, actions, world.accounts.heldAdministrator);
  // The sealed state lasts five minutes: the pending identity signs in again (outside any
  // case's measurement) when its state is two minutes old, so no case meets an expired one.
  let pendingSince = Date.now();
  const prepare: Prepare = async (identity) => {
    if (identity !== "secondStepPending" || Date.now() - pendingSince < 120_000) return;
    await clearRateLimits(db);
    clients.secondStepPending = await signInPending(a.url, actions, pendingLogin);
    pendingSince = Date.now();
  };
  const admin = await clientFor(a.url, actions, world.accounts.admin);
  const adminOnB = await clientFor(b.url, actions, world.accounts.admin);
  // A password sheet issued to the administrator: the refused identities are sent it first.
  const sheet = await inviteManually(admin, standIn, world.target.org.slug, `sheet.${prefix}@example.com`);
  if (!sheet.sheetToken) throw new Error("Send Invite (not emailed) returned no password-sheet token");
  const routeInput = { sheetToken: sheet.sheetToken };
  lap("setup");

  const unmapped = unmappedActions(actions);
  const routes = loadRoutes(buildDir);
  const unmappedRouteList = await unmappedRoutes(a.url, world, routes);
  const matrix: MatrixCase[] = [
    ...(await runMatrix(db, world, actions, clients, prepare)),
    ...(await runRouteMatrix(db, world, a.url, routes, clients, routeInput, { prepare })),
  ];
  const twoStep = await runTwoStep({
    db,
    world,
    baseUrl: a.url,
    buildDir,
    actions,
    routes,
    routeInput,
    clients,
    prepare,
    pendingFactor,
  });
  matrix.push(...twoStep.cases);
  await clearRateLimits(db);
  lap("authz matrix");
  const fuzzable = actions.filter((x) => samples[`${x.file}#${x.name}`]?.fuzz).length;
  const fuzz = await runFuzz(db, world, actions, admin, Math.ceil(FUZZ_TOTAL / Math.max(1, fuzzable)));
  await clearRateLimits(db);
  const inputFuzz = await runInputFuzz(db, world, actions, admin, a.url);
  lap("fuzz");
  const positive = await runPositiveControls({
    db,
    world,
    standIn,
    baseUrl: a.url,
    actions,
    admin,
    routes,
    routeInput,
  });
  lap("authz positive controls");
  const sessions = await runSessions({ db, urls: [a.url, b.url], actions });
  lap("sessions");
  const bruteForce = await runBruteForce({ db, standIn, baseUrl: a.url, actions });
  lap("bruteForce");
  const tempPasswords = await runTempPasswords({ db, standIn, baseUrl: a.url, actions });
  lap("tempPasswords");
  const redirects = await runRedirects({ db, standIn, baseUrl: a.url, actions });
  lap("redirects");
  await clearRateLimits(db);
  const concurrency = await runConcurrency({
    db,
    world,
    clients: [admin, adminOnB],
    // Every request of the suite comes from one address: the sign-ins that set up the races
    // start from a clean count, so the per-address limits measure only their own phase.
    signIn: async (server, login) => {
      await clearRateLimits(db);
      return clientFor(server === 0 ? a.url : b.url, actions, login);
    },
  });
  lap("concurrency");

  // Drains what the earlier phases queued first, and ends with an empty outbox.
  await clearRateLimits(db);
  const faults = await runFaults({ db, standIn, urls: [a.url, b.url], actions, env, sendTimeoutMs: SEND_TIMEOUT_MS });
  lap("faults");

  const secrets = [
    world.invitation.key,
    sheet.key,
    sheet.temporaryPassword,
    ...positive.secrets,
    ...bruteForce.secrets,
    ...tempPasswords.secrets,
    ...redirects.secrets,
    ...concurrency.secrets,
    ...standIn.emails.flatMap((e) => secretsInEmailText(e.text ?? "")),
  ];
  // Authenticator secrets and recovery codes: in no email, no log, no column (sealed or hashed ones included).
  const unmailed = [...twoStepSecretForms(pendingFactor), ...twoStep.unmailedSecrets, ...positive.unmailedSecrets];
  const logs = [...servers.map((s) => s.output()), faults.logs].join("\n");
  const leaks = await findLeaks({ secrets, unmailed, logs, db, standIn, buildDir });
  const storage = await twoStepStorage(db);
  // Every email the run queued was delivered: a template the workers cannot render (a two-step
  // notice, say) leaves its row failed, which no phase above counts.
  const failedEmails = Object.fromEntries(
    rowsOf<{ template: string; n: number }>(
      await db.execute(
        sql`select template, count(*)::int as n from email_outbox where status = 'failed' group by template order by template`,
      ),
    ).map((r) => [r.template, Number(r.n)]),
  );
  lap("secrets");

  const report = {
    generatedAt: new Date().toISOString(),
    authz: {
      actions: actions.length,
      routes: routes.length,
      unmapped,
      unmappedRoutes: unmappedRouteList,
      cases: matrix.length,
      refused: matrix.filter((c) => c.refused).length,
      writes: matrix.filter((c) => c.wrote).length,
      failures: matrix.filter((c) => !c.refused || c.wrote),
      byIdentity: byIdentity(matrix),
      twoStepControls: {
        ok: twoStep.controls.filter((c) => c.ok).length,
        total: twoStep.controls.length,
        controls: twoStep.controls,
      },
      positiveControls: {
        ok: positive.controls.filter((c) => c.ok).length,
        total: positive.controls.length,
        failures: positive.controls.filter((c) => !c.ok),
        notApplicable: noPositiveControl,
      },
    },
    fuzz: {
      cases: fuzz.cases + inputFuzz.cases,
      unhandled: fuzz.unhandled + inputFuzz.unhandled,
      writes: fuzz.writes + inputFuzz.writes,
      generated: { cases: fuzz.cases, unhandled: fuzz.unhandled, writes: fuzz.writes },
      hostileInput: inputFuzz.byKind,
      byAction: fuzz.byAction,
      examples: [...fuzz.examples, ...inputFuzz.examples],
    },
    bruteForce: { ...bruteForce.figures, trials: bruteForce.trials },
    redirects: {
      ...redirects.figures,
      offSiteCases: redirects.offSiteCases.slice(0, 20),
      flowFailures: redirects.flowFailures.slice(0, 20),
    },
    tempPasswords: { ...tempPasswords.figures, stale: tempPasswords.stale, controls: tempPasswords.controls },
    sessions: { ...sessions.figures, details: sessions.details },
    concurrency: concurrency.figures,
    faults: faults.figures,
    emails: { failedByTemplate: failedEmails },
    secrets: {
      checked: new Set([...secrets, ...unmailed]).size,
      checkedTwoStep: new Set(unmailed).size,
      found: leaks.length,
      findings: leaks,
      storage,
    },
    timings: { ...timings, totalSeconds: Math.round((Date.now() - startedAt) / 1000) },
  };

  const goals: [string, boolean][] = [
    ["every action is in the matrix", unmapped.length === 0],
    ["every route and each method it serves is in the matrix", unmappedRouteList.length === 0],
    ["authz: every case refused", report.authz.refused === report.authz.cases && report.authz.cases > 0],
    ["authz: no writes", report.authz.writes === 0],
    [
      "authz: every action and route succeeds for the administrator (positive controls)",
      report.authz.positiveControls.ok === report.authz.positiveControls.total && positive.controls.length > 0,
    ],
    ["fuzz: at least 10,000 cases", fuzz.cases >= Math.min(FUZZ_TOTAL, 10_000)],
    ["fuzz: no unhandled error", report.fuzz.unhandled === 0],
    ["fuzz: no writes", report.fuzz.writes === 0],
    ...bruteForce.goals,
    ...redirects.goals,
    ...tempPasswords.goals,
    ...sessions.goals,
    ...concurrency.goals,
    ...faults.goals,
    [
      "authz: the two new identities are in the matrix (second step pending; administrator held in a Required organization)",
      ["secondStepPending", "heldAdministrator"].every((id) => (report.authz.byIdentity[id]?.cases ?? 0) > 0),
    ],
    [
      "authz: two-step positive controls (the pending state completes; a user member is not held; the held administrator, once enrolled, is let in)",
      twoStep.controls.length > 0 && twoStep.controls.every((c) => c.ok),
    ],
    ["emails: no email of the run failed", Object.keys(failedEmails).length === 0],
    ["secrets: none found", leaks.length === 0],
    [
      "secrets: authenticator secrets stored sealed and recovery codes hashed (control of the scan)",
      storage.totpFactors > 0 &&
        storage.totpFactorsSealed === storage.totpFactors &&
        storage.recoveryCodes >= 10 &&
        storage.recoveryCodesHashed === storage.recoveryCodes,
    ],
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
    ["authz.positiveControls", `${report.authz.positiveControls.ok}/${report.authz.positiveControls.total}`],
    ...Object.entries(report.authz.byIdentity).map(
      ([k, v]) => [`authz: ${k} (refused/cases, writes)`, `${v.refused}/${v.cases}, ${v.writes}`] as [string, string],
    ),
    ["authz.twoStepControls", `${report.authz.twoStepControls.ok}/${report.authz.twoStepControls.total}`],
    ["fuzz.cases", report.fuzz.cases],
    ["fuzz.unhandled", report.fuzz.unhandled],
    ["fuzz.writes", report.fuzz.writes],
    ...Object.entries(inputFuzz.byKind).map(
      ([k, v]) => [`fuzz.${k} (unhandled/cases)`, `${v.unhandled}/${v.cases}`] as [string, string],
    ),
    ...Object.entries(bruteForce.figures).map(([k, v]) => [`bruteForce.${k}`, v] as [string, number]),
    ...bruteForce.trials.map((t) => {
      const rightSecret =
        t.rightSecretAccepted === null
          ? ""
          : t.rightSecretAccepted
            ? ", RIGHT SECRET ACCEPTED"
            : ", right secret refused";
      return [
        `bruteForce: ${t.limiter} (${t.variant})`,
        `${t.checked}/${t.attempts} checked, limit ${t.limit}${rightSecret}`,
      ] as [string, string];
    }),
    ...Object.entries(redirects.figures).map(([k, v]) => [`redirects.${k}`, v] as [string, number]),
    ...Object.entries(tempPasswords.figures).map(([k, v]) => [`tempPasswords.${k}`, v] as [string, number]),
    ...Object.entries(sessions.figures).map(([k, v]) => [`sessions.${k}`, v] as [string, number]),
    ...Object.entries(concurrency.figures).map(([k, v]) => [`concurrency.${k}`, v] as [string, number]),
    ...Object.entries(faults.figures).map(([k, v]) => [`faults.${k}`, v] as [string, number]),
    ...Object.entries(failedEmails).map(([k, v]) => [`emails failed: ${k}`, v] as [string, number]),
    ["secrets.found", leaks.length],
    ["secrets.checkedTwoStep", report.secrets.checkedTwoStep],
    ...Object.entries(report.timings).map(([k, v]) => [`seconds: ${k}`, v] as [string, number]),
  ];
  console.log("\n| figure | value |\n|---|---|");
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  const missed = goals.filter(([, ok]) => !ok);
  console.log(`\n${goals.length - missed.length} passed, ${missed.length} failed`);
  for (const [goal] of missed) console.log(`MISSED: ${goal}`);
  if (report.authz.failures.length) console.log(JSON.stringify(report.authz.failures.slice(0, 10), null, 2));
  for (const c of twoStep.controls.filter((x) => !x.ok)) console.log(`two-step control failed: ${c.name}: ${c.detail}`);
  if (report.authz.positiveControls.failures.length)
    console.log(JSON.stringify(report.authz.positiveControls.failures, null, 2));
  if (report.fuzz.examples.length) console.log(report.fuzz.examples.join("\n"));
  for (const c of redirects.offSiteCases.slice(0, 10))
    console.log(`off-site: ${c.via} ${JSON.stringify(c.payload)} → ${c.finalUrl} ${c.blocked.join(" ")}`);
  for (const f of redirects.flowFailures.slice(0, 10)) console.log(`redirect flow: ${f}`);
  for (const c of tempPasswords.stale.filter((x) => x.accepted))
    console.log(`stale temporary password works: ${c.scenario} at ${c.where}`);
  for (const c of tempPasswords.controls.filter((x) => !x.ok))
    console.log(`temporary password control failed: ${c.scenario}: ${c.what}: ${c.detail}`);
  if (unmappedRouteList.length)
    console.log(`Routes missing from tests/reliability/routes.ts: ${unmappedRouteList.join(", ")}`);
  // A missed goal shows the servers' error lines (each unexpected failure logs one, with its reference).
  if (missed.length || process.env.RELIABILITY_SHOW_ERRORS)
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
