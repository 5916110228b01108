import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { openPglite, openPostgres, setDatabaseHandle, type DatabaseHandle } from "@/db/client";
import { queryCounter } from "@/db/query-counter";
import { rowsOf } from "@/db/rows";
import { organizations } from "@/db/schema";
import { listMembers } from "@/lib/members/list";
import { membersQuerySchema } from "@/lib/validations/members";
import { ActionClient, encodeArgs } from "../tests/support/action-client";
import {
  actorFor,
  addMember,
  createAccount,
  createOrganizationWithOwner,
  DEFAULT_PASSWORD,
} from "../tests/support/factories";
import { createDatabase, databaseUrl, dropDatabases } from "../tests/support/postgres-admin";
import { startResendStandIn } from "../tests/support/resend-stand-in";
import { growthGoals, growthTable, measureGrowth, seedGrowth } from "./growth";
import { measureOutbox, outboxGoals } from "./outbox";
import { firstLoadJsKb } from "./lib/first-load-js";
import { mergeLoads, runLoad, type LoadResult } from "./lib/load";
import { startServer, type RunningServer } from "./lib/server";
import { round } from "./lib/stats";

/**
 * `npm run bench [-- --pglite] [-- --skip-build]`: seeds an organization of 10,000 members and
 * 2,000 pending invitations, builds and starts the production server, signs in, and measures
 * the Users page, the lookup and Send Invite against the app's own baseline page, all in one
 * run on this machine. Writes bench/results/latest.json and prints a Markdown table.
 */
const { values: args } = parseArgs({
  options: {
    pglite: { type: "boolean", default: false },
    "skip-build": { type: "boolean", default: false },
    members: { type: "string", default: "10000" },
    invitations: { type: "string", default: "2000" },
    seconds: { type: "string", default: "20" },
    port: { type: "string", default: "3900" },
    // Growth: organizations of these sizes (members, audit events), each page and size measured
    // over this many requests.
    "growth-members": { type: "string", default: "1000,10000,100000" },
    "growth-events": { type: "string", default: "1000,1000000" },
    "growth-requests": { type: "string", default: "150" },
  },
});
const seconds = Number(args.seconds);
const port = Number(args.port);
const serverUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `gatehouse_bench_${randomBytes(4).toString("hex")}`;
const pgliteDir = args.pglite ? path.join(mkdtempSync(path.join(tmpdir(), "gatehouse-bench-")), "pglite") : null;
const dbEnv: Record<string, string> = pgliteDir
  ? { PGLITE_DIR: pgliteDir, DATABASE_URL: "" }
  : { DATABASE_URL: databaseUrl(serverUrl, dbName) };
const log = (message: string) => console.error(`[bench] ${message}`);

async function openDb(): Promise<DatabaseHandle> {
  const handle = pgliteDir ? await openPglite(pgliteDir) : await openPostgres(dbEnv.DATABASE_URL!, { max: 4 });
  setDatabaseHandle(handle);
  return handle;
}

let server: RunningServer | undefined;
const standIn = await startResendStandIn(0);
try {
  if (!pgliteDir) await createDatabase(serverUrl, dbName);
  log(`seeding ${args.members} members and ${args.invitations} invitations (${pgliteDir ? "PGlite" : "PostgreSQL"})`);
  const seedOutput = execFileSync(
    "npm",
    [
      "run",
      "--silent",
      "db:seed",
      "--",
      "--members",
      args.members,
      "--invitations",
      args.invitations,
      "--organization",
      "Bench Co",
    ],
    {
      env: { ...process.env, ...dbEnv, LOG_LEVEL: "warn" },
      encoding: "utf8",
    },
  );
  const owner = /owner: (\S+) \/ (.+)$/m.exec(seedOutput);
  const slug = /at \/o\/(\S+) with/.exec(seedOutput)?.[1];
  if (!owner || !slug) throw new Error(`could not read the seed output:\n${seedOutput}`);
  const [, ownerEmail, ownerPassword] = owner as unknown as [string, string, string];

  // Queries per render of the Users list, counted by the driver hook, before the server owns
  // the database (PGlite allows one process).
  const handle = await openDb();
  const [org] = await handle.db
    .select({ id: organizations.id })
    .from(organizations)
    .where(sql`${organizations.slug} = ${slug}`);
  const [ownerMembership] = await handle.db
    .execute(sql`select id from memberships where organization_id = ${org!.id} and is_owner`)
    .then((r) => (Array.isArray(r) ? r : (r as { rows: { id: string }[] }).rows) as { id: string }[]);
  const actor = await actorFor(handle.db, ownerMembership!.id);
  const countFor = async (query: Record<string, string>) =>
    (await queryCounter.count(() => listMembers(actor, membersQuerySchema.parse(query)))).queries;
  const usersPageQueries = { page1: await countFor({}), page400: await countFor({ page: "400" }) };
  const existing: string[] = [];
  for (let i = 0; i < 400; i++)
    existing.push(
      (await createAccount(handle.db, { name: `Existing ${i}`, email: `existing.${i}.${dbName}@bench.example.com` }))
        .email,
    );
  // Send Invite is limited per inviter (50 an hour) and per organization (200 an hour). The
  // benchmark organization's phases send 100 invitations, shared by four administrators; the
  // slow-provider comparison sends 180 in a second organization with four of its own.
  const admins = async (organizationId: string, tag: string) => {
    const logins: { email: string; password: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const account = await createAccount(handle.db, {
        name: `Bench Admin ${tag}${i}`,
        email: `admin.${tag}${i}.${dbName}@bench.example.com`,
      });
      await addMember(handle.db, organizationId, account.id, { role: "administrator" });
      logins.push({ email: account.email, password: DEFAULT_PASSWORD });
    }
    return logins;
  };
  const inviters = await admins(org!.id, "");
  const providerOrg = (await createOrganizationWithOwner(handle.db, "Bench Provider Co")).org;
  const providerInviters = await admins(providerOrg.id, "p");
  const [benchOwner] = rowsOf<{ id: string; name: string; email: string }>(
    await handle.db.execute(sql`select id, name, email from accounts where email = ${ownerEmail}`),
  );
  const growthSeed = await seedGrowth(
    handle.db,
    benchOwner!,
    { members: sizesOf(args["growth-members"]), events: sizesOf(args["growth-events"]) },
    log,
  );
  await handle.close();
  setDatabaseHandle(undefined);

  if (!args["skip-build"]) {
    log("building");
    execFileSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  }
  const wizardJs = async (cookie: string) =>
    firstLoadJsKb(`http://localhost:${port}/o/${slug}/admin/users/invite`, parseCookies(cookie));

  server = await startServer(port, {
    ...dbEnv,
    APP_URL: `http://localhost:${port}`,
    AUTH_SECRET: randomBytes(32).toString("base64"),
    OUTBOX_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    RESEND_API_KEY: "re_bench",
    RESEND_BASE_URL: standIn.url,
    LOG_LEVEL: "warn",
  });
  const client = new ActionClient(server.url);
  const signIn = await client.call(
    client.find("app/sign-in/actions.ts", "signInAction"),
    [{ email: ownerEmail, password: ownerPassword }],
    { path: "/sign-in" },
  );
  if (!signIn.redirect) throw new Error(`sign-in failed: ${JSON.stringify(signIn.result)}`);
  const cookie = client.cookieHeader();
  const auth = { cookie };
  const base = server.url;
  const pages = {
    baseline: `/o/${slug}`,
    usersFirst: `/o/${slug}/admin/users`,
    usersSearch: `/o/${slug}/admin/users?q=turing`,
    usersPage400: `/o/${slug}/admin/users?page=400`,
  };
  // Every page is measured warm: its route's modules loaded and its code compiled by the JIT,
  // so the first page measured does not pay for what the others get for free.
  log("warming the pages");
  for (const p of Object.values(pages)) await runLoad({ url: base + p, headers: auth, connections: 4, amount: 200 });
  // The pages take turns in four rounds of a quarter of the time each, so that the machine's drift during
  // the run weighs on the baseline and the Users page alike; each figure covers all four rounds.
  log(
    "baseline (the organization overview: same session and membership checks, no data work) and the Users page, in four rounds",
  );
  const runs: Record<keyof typeof pages, LoadResult[]> = {
    baseline: [],
    usersFirst: [],
    usersSearch: [],
    usersPage400: [],
  };
  for (let round = 0; round < 4; round++) {
    for (const [name, p] of Object.entries(pages) as [keyof typeof pages, string][]) {
      runs[name].push(await runLoad({ url: base + p, headers: auth, connections: 16, durationSeconds: seconds / 4 }));
    }
  }
  const baseline = mergeLoads(runs.baseline);
  const usersFirst = mergeLoads(runs.usersFirst);
  const usersSearch = mergeLoads(runs.usersSearch);
  const usersPage400 = mergeLoads(runs.usersPage400);

  const lookupAction = client.find("app/o/[slug]/admin/users/invite/actions.ts", "lookupInviteeAction");
  const sendAction = client.find("app/o/[slug]/admin/users/invite/actions.ts", "sendInviteAction");
  const signInAll = async (logins: { email: string; password: string }[]) => {
    const cookies: string[] = [];
    for (const login of logins) {
      const c = new ActionClient(base);
      const r = await c.call(c.find("app/sign-in/actions.ts", "signInAction"), [login], { path: "/sign-in" });
      if (!r.redirect) throw new Error(`sign-in of ${login.email} failed`);
      cookies.push(c.cookieHeader());
    }
    return cookies;
  };
  const inviterCookies = await signInAll(inviters);
  const providerCookies = await signInAll(providerInviters);
  const actionPost = (
    id: string,
    pagePath: string,
    makeBody: (n: number) => string,
    amount: number,
    connections: number,
    cookies = inviterCookies,
  ) =>
    runLoad({
      url: base + pagePath,
      method: "POST",
      headers: {
        "next-action": id,
        accept: "text/x-component",
        "content-type": "text/plain;charset=UTF-8",
        origin: base,
      },
      makeHeaders: (n) => ({ cookie: cookies[n % cookies.length]! }),
      makeBody,
      amount,
      connections,
    });
  const wizardPath = `/o/${slug}/admin/users/invite`;
  const invite = (emails: string, delivery: "email" | "manual" | null, organizationSlug = slug) =>
    encodeArgs([
      organizationSlug,
      {
        idempotencyKey: crypto.randomUUID(),
        emails,
        passwordDelivery: delivery,
        options: { locale: "en", personalMessage: "", accessExpiry: "", external: false, privileged: false },
      },
    ]);

  log("lookup");
  // The lookup is one administrator waiting on the wizard: its latency is measured one lookup at
  // a time (four administrators taking turns), and also with four at once for the record.
  // Warm first, like the pages. The lookup limit is 120 per administrator in 10 minutes: 340 in
  // all, shared by four.
  const lookupBody = (n: number) => encodeArgs([slug, { emails: existing[n % existing.length] }]);
  await actionPost(lookupAction.id, wizardPath, lookupBody, 40, 4);
  const lookup = await actionPost(lookupAction.id, wizardPath, lookupBody, 200, 1);
  const lookupConcurrent = await actionPost(lookupAction.id, wizardPath, lookupBody, 100, 4);

  log("Send Invite");
  const sendInviteExisting = await actionPost(sendAction.id, wizardPath, (n) => invite(existing[n]!, null), 30, 4);
  const newAddress = (tag: string) => (n: number) => invite(`new.${tag}.${n}.${dbName}@bench.example.com`, "email");
  const sendInviteNew = await actionPost(sendAction.id, wizardPath, newAddress("plain"), 30, 4);

  log("event loop: baseline while new-account invites hash passwords");
  // 10 s: about as long as the 40 new-account invites take, so the busy run is busy throughout.
  const idle = await runLoad({ url: `${base}/o/${slug}`, headers: auth, connections: 4, durationSeconds: 10 });
  const [busy] = await Promise.all([
    runLoad({ url: `${base}/o/${slug}`, headers: auth, connections: 4, durationSeconds: 10 }),
    actionPost(sendAction.id, wizardPath, newAddress("busy"), 40, 8),
  ]);

  log("slow provider");
  // In the second organization (its own Send Invite limits), rounds alternate between a provider
  // answering at once and one answering in 2 s, so that the machine's drift during the run weighs
  // on both sides alike; each side's p95 is taken over its 90 invitations.
  const providerPath = `/o/${providerOrg.slug}/admin/users/invite`;
  const fastRounds: LoadResult[] = [];
  const slowRounds: LoadResult[] = [];
  for (let round = 0; round < 3; round++) {
    standIn.latencyMs = 0;
    fastRounds.push(
      await actionPost(
        sendAction.id,
        providerPath,
        (n) => invite(existing[100 + round * 30 + n]!, null, providerOrg.slug),
        30,
        4,
        providerCookies,
      ),
    );
    standIn.latencyMs = 2000;
    slowRounds.push(
      await actionPost(
        sendAction.id,
        providerPath,
        (n) => invite(existing[200 + round * 30 + n]!, null, providerOrg.slug),
        30,
        4,
        providerCookies,
      ),
    );
  }
  standIn.latencyMs = 0;
  const fastProvider = mergeLoads(fastRounds);
  const slowProvider = mergeLoads(slowRounds);

  const growth = await measureGrowth(growthSeed, {
    base,
    cookie,
    pid: server.process.pid!,
    requests: Number(args["growth-requests"]),
    log,
  });

  log("wizard first-load JavaScript");
  const wizardFirstLoadJs = await wizardJs(cookie);

  // Two delivery workers sharing a PostgreSQL database of their own (PGlite belongs to one process).
  const outbox = pgliteDir ? null : await measureOutbox({ serverUrl, log });

  const ratio = (a: number, b: number) => (b === 0 ? 0 : round(a / b, 3));
  const results = {
    generatedAt: new Date().toISOString(),
    database: pgliteDir ? "pglite" : "postgresql",
    seeded: { members: Number(args.members), invitations: Number(args.invitations) },
    connections: 16,
    secondsPerRun: seconds,
    baseline,
    usersPage: { first: usersFirst, search: usersSearch, page400: usersPage400 },
    // The goal's figure is the lowest of the three; each one's own ratio is kept beside it.
    usersPageRatio: ratio(Math.min(usersFirst.rps, usersSearch.rps, usersPage400.rps), baseline.rps),
    usersPageRatios: {
      first: ratio(usersFirst.rps, baseline.rps),
      search: ratio(usersSearch.rps, baseline.rps),
      page400: ratio(usersPage400.rps, baseline.rps),
    },
    usersPageQueries,
    lookup: pick(lookup),
    lookupFourAtOnce: pick(lookupConcurrent),
    sendInviteExisting: pick(sendInviteExisting),
    sendInviteNew: pick(sendInviteNew),
    eventLoop: { idleP95: idle.p95, busyP95: busy.p95, ratio: ratio(busy.p95, idle.p95) },
    slowProvider: {
      fastP95: fastProvider.p95,
      slowP95: slowProvider.p95,
      ratio: ratio(slowProvider.p95, fastProvider.p95),
    },
    wizardFirstLoadJs: { kB: wizardFirstLoadJs },
    growth,
    outbox,
  };
  const usersP95 = Math.max(usersFirst.p95, usersSearch.p95, usersPage400.p95);
  const goals: [string, string, boolean][] = [
    ["usersPageRatio ≥ 0.5", String(results.usersPageRatio), results.usersPageRatio >= 0.5],
    [
      "usersPage p95 ÷ baseline p95 ≤ 2",
      `${usersP95} ÷ ${baseline.p95} ms = ${ratio(usersP95, baseline.p95)}`,
      ratio(usersP95, baseline.p95) <= 2,
    ],
    [
      "usersPageQueries ≤ 5 and equal",
      `${usersPageQueries.page1} / ${usersPageQueries.page400}`,
      usersPageQueries.page1 <= 5 && usersPageQueries.page1 === usersPageQueries.page400,
    ],
    [
      "lookup p95 ÷ baseline p50 ≤ 1",
      `${lookup.p95} ÷ ${baseline.p50} ms = ${ratio(lookup.p95, baseline.p50)}`,
      ratio(lookup.p95, baseline.p50) <= 1,
    ],
    ["eventLoop ≤ 1.5", String(results.eventLoop.ratio), results.eventLoop.ratio <= 1.5],
    ["slowProvider ≤ 1.2", String(results.slowProvider.ratio), results.slowProvider.ratio <= 1.2],
    ["wizardFirstLoadJs ≤ 150 kB", `${wizardFirstLoadJs} kB`, wizardFirstLoadJs <= 150],
    ...growthGoals(growth),
    ...outboxGoals(outbox),
  ];
  const errors = [
    baseline,
    usersFirst,
    usersSearch,
    usersPage400,
    lookup,
    lookupConcurrent,
    sendInviteExisting,
    sendInviteNew,
    idle,
    busy,
    fastProvider,
    slowProvider,
  ].reduce((n, r) => n + r.errors + r.non2xx, 0);

  mkdirSync(path.join("bench", "results"), { recursive: true });
  writeFileSync(
    path.join("bench", "results", "latest.json"),
    JSON.stringify(
      { ...results, errors, goals: Object.fromEntries(goals.map(([g, v, ok]) => [g, { value: v, met: ok }])) },
      null,
      2,
    ) + "\n",
  );

  const row = (name: string, r: LoadResult) => `| ${name} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} |`;
  console.log(
    `\nDatabase: ${results.database}; ${args.members} members, ${args.invitations} invitations; 16 connections, ${seconds} s a page.\n`,
  );
  console.log("| page | req/s | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|");
  console.log(
    [
      row("baseline (overview)", baseline),
      row("Users, first page", usersFirst),
      row("Users, search", usersSearch),
      row("Users, page 400", usersPage400),
    ].join("\n"),
  );
  console.log("\n| action | p50 ms | p95 ms | per second |\n|---|---|---|---|");
  for (const [name, r] of [
    ["lookup", lookup],
    ["lookup, four at once", lookupConcurrent],
    ["Send Invite, existing account", sendInviteExisting],
    ["Send Invite, new account", sendInviteNew],
  ] as const) {
    console.log(`| ${name} | ${r.p50} | ${r.p95} | ${r.rps} |`);
  }
  console.log(growthTable(growth));
  if (outbox)
    console.log(
      `\nOutbox: ${outbox.messages} invitations, ${outbox.workers} workers, stand-in at ${outbox.ratePerSecond} requests/s: drained in ${outbox.drainSeconds} s (ideal ${outbox.idealSeconds} s), ${outbox.requests} requests, ${outbox.status429} answered 429, ${outbox.duplicates} duplicates`,
    );
  console.log("\n| goal | measured | met |\n|---|---|---|");
  for (const [goal, value, ok] of goals) console.log(`| ${goal} | ${value} | ${ok ? "yes" : "NO"} |`);
  console.log(`\nFailed or non-2xx requests during the run: ${errors}`);
} finally {
  await server?.stop();
  await standIn.close();
  if (pgliteDir) rmSync(path.dirname(pgliteDir), { recursive: true, force: true });
  else await dropDatabases(serverUrl, dbName);
}
process.exit(0);

function pick(r: LoadResult) {
  return { p50: r.p50, p95: r.p95, perSecond: r.rps, requests: r.requests };
}

function sizesOf(list: string): number[] {
  return list.split(",").map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 1) throw new Error(`not a size: ${s}`);
    return n;
  });
}

function parseCookies(header: string) {
  return header.split("; ").map((pair) => {
    const i = pair.indexOf("=");
    return { name: pair.slice(0, i), value: pair.slice(i + 1) };
  });
}
