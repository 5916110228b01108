import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { memberships, organizations, organizationSettings } from "@/db/schema";
import { fillOrganization } from "@/db/seed-data";
import { encodeAuditCursor } from "@/lib/audit/filters";
import { AUDIT_PAGE_SIZE } from "@/lib/audit/list";
import { MEMBERS_PAGE_SIZE } from "@/lib/validations/members";
import { DEFAULT_PASSWORD, testPasswordHash } from "../tests/support/factories";
import { mergeLoads, runLoad, type LoadResult } from "./lib/load";
import { round } from "./lib/stats";

/**
 * Growth: the same pages at several sizes in one run, each size its own organization of the
 * benchmark's database, every figure a ratio to the smallest size. Members: organizations of
 * 1,000, 10,000 and 100,000 members with 10 % more pending invitations. Audit log: organizations
 * with 1,000 and 1,000,000 events. The benchmark's owner owns every one, so one session reads all.
 */

const GROWTH_SLICE = 10_000;

/** One event in ten is this action: the filtered page, and the export of a log past 100,000 events. */
const FILTERED_ACTION = "member.updated";
const OTHER_ACTIONS = ["invitation.created", "invitation.accepted", "account.password_changed", "settings.updated"];
/** The export's size in the largest log; a smaller log is exported whole. */
const EXPORT_EVENTS = 100_000;
/** The audit log page reached by following cursors (or the log's last page when it is shorter). */
const AUDIT_CURSOR_PAGE = 200;

type GrowthMembersOrg = { members: number; invitations: number; slug: string; lastPage: number };
type GrowthAuditOrg = {
  events: number;
  slug: string;
  /** The page the cursor opens: 200, or the last one in a shorter log. */
  cursorPage: number;
  cursor: string;
  /** The export's filter and its number of events. */
  exportQuery: string;
  exportEvents: number;
};
export type GrowthSeed = { members: GrowthMembersOrg[]; audit: GrowthAuditOrg[] };

async function organizationOwnedBy(db: Database, name: string, owner: { id: string }) {
  const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${Date.now().toString(36)}`;
  const [org] = await db.insert(organizations).values({ name, slug }).returning();
  if (!org) throw new Error("no organization");
  await db.insert(organizationSettings).values({ organizationId: org.id });
  await db.insert(memberships).values({
    organizationId: org.id,
    accountId: owner.id,
    role: "administrator",
    status: "active",
    isOwner: true,
    joinedAt: new Date(),
  });
  return org;
}

/** Seeds every size with INSERT … SELECT (seconds for 100,000 members, about a minute for 1,000,000 events). */
export async function seedGrowth(
  db: Database,
  owner: { id: string; name: string; email: string },
  sizes: { members: number[]; events: number[] },
  log: (message: string) => void,
): Promise<GrowthSeed> {
  const seeded: GrowthSeed = { members: [], audit: [] };
  for (const members of sizes.members) {
    const invitations = Math.round(members / 10);
    log(`growth: seeding ${members} members and ${invitations} invitations`);
    const org = await organizationOwnedBy(db, `Growth ${members} members`, owner);
    // In slices of 10,000, each its own transaction: the member count is one row the database
    // updates for every membership inserted, and in one transaction each update walks every
    // earlier version of that row (100,000 in one go takes many minutes).
    for (let done = 0; done < members; done += GROWTH_SLICE) {
      const slice = Math.min(GROWTH_SLICE, members - done);
      await fillOrganization(db, org.id, {
        members: slice,
        invitations: Math.round(slice / 10),
        passwordHash: testPasswordHash(DEFAULT_PASSWORD),
        invitedByAccountId: owner.id,
      });
    }
    // The owner, the members and the invitations' memberships.
    const lastPage = Math.max(1, Math.ceil((members + invitations + 1) / MEMBERS_PAGE_SIZE));
    seeded.members.push({ members, invitations, slug: org.slug, lastPage });
  }
  for (const events of sizes.events) {
    log(`growth: seeding ${events} audit events`);
    const org = await organizationOwnedBy(db, `Growth ${events} events`, owner);
    // A million rows in slices, so that no single statement holds them all.
    const slice = 250_000;
    for (let from = 1; from <= events; from += slice) {
      const to = Math.min(events, from + slice - 1);
      await db.execute(sql`
        insert into audit_events (organization_id, actor_account_id, actor_name, actor_email, action, target_type,
          target_id, target_label, details, ip, user_agent, created_at)
        select ${org.id}, ${owner.id}, ${owner.name}, ${owner.email},
          case when g % 10 = 0 then ${FILTERED_ACTION}
               else (${sql.raw(`array[${OTHER_ACTIONS.map((a) => `'${a}'`).join(",")}]`)})[1 + (g / 10) % ${OTHER_ACTIONS.length}] end,
          'membership', md5(g::text), 'person.' || g || '@seed.example.com',
          jsonb_build_object('email', 'person.' || g || '@seed.example.com', 'role',
            jsonb_build_object('from', 'user', 'to', 'administrator')),
          '192.0.2.' || (g % 250), 'Mozilla/5.0 (X11; Linux x86_64) Gatehouse bench',
          now() - g * interval '1 second'
        from generate_series(${from}::int, ${to}::int) g`);
    }
    const lastPage = Math.max(1, Math.ceil(events / AUDIT_PAGE_SIZE));
    const cursorPage = Math.min(AUDIT_CURSOR_PAGE, lastPage);
    // Page n opens with the cursor of page n − 1's last row, as its Older link carries it.
    const [row] = rowsOf<{ time: string; id: string | number }>(
      await db.execute(sql`
        select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as time, id
        from audit_events where organization_id = ${org.id}
        order by created_at desc nulls last, id desc nulls last
        offset ${(cursorPage - 1) * AUDIT_PAGE_SIZE - 1} limit 1`),
    );
    if (!row) throw new Error("no audit event for the cursor");
    const filtered = events > EXPORT_EVENTS;
    seeded.audit.push({
      events,
      slug: org.slug,
      cursorPage,
      cursor: encodeAuditCursor({ time: row.time, id: Number(row.id) }),
      exportQuery: filtered ? `?action=${FILTERED_ACTION}` : "",
      exportEvents: filtered ? Math.floor(events / 10) : events,
    });
  }
  // Measured as a running instance would be: statistics up to date and the bulk load written out,
  // so that neither autovacuum nor a checkpoint of a million rows lands inside a measurement.
  await db.execute(sql`vacuum analyze`);
  await db.execute(sql`checkpoint`).catch(() => log("growth: no CHECKPOINT (not a superuser); measuring anyway"));
  return seeded;
}

/** CPU time of a process (user + system, every thread: what process.cpuUsage reports inside it), in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime, fields 14 and 15 of proc(5), in clock ticks of 10 ms (CLK_TCK 100).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

type GrowthFigure = {
  size: number;
  requests: number;
  rps: number;
  p95: number;
  cpuMsPerRequest: number;
  /** CPU per request ÷ the smallest size's. */
  cpuRatio: number;
  /** The smallest size's throughput ÷ this size's: how many times slower (≤ 1.3 is the goal). */
  rpsRatio: number;
};

type CsvExportFigure = { events: number; rows: number; seconds: number; rssBeforeMb: number; peakRssMb: number };

type Target = { size: number; url: string };

/**
 * Each page at every size, the sizes taking turns in `rounds` rounds so that the machine's drift
 * weighs on all alike; the server's CPU time is read around every run and divided by its requests.
 * A round is a number of requests rather than a time, so that a busy machine still gives every
 * size the same sample.
 */
async function measurePages(
  pages: Record<string, Target[]>,
  options: { cookie: string; pid: number; requests: number; rounds: number; connections: number },
): Promise<Record<string, GrowthFigure[]>> {
  const headers = { cookie: options.cookie };
  const all = Object.values(pages).flat();
  for (const target of all) await runLoad({ url: target.url, headers, connections: 4, amount: 40 });
  const runs = new Map<Target, { loads: LoadResult[]; cpu: number }>(all.map((t) => [t, { loads: [], cpu: 0 }]));
  for (let r = 0; r < options.rounds; r++) {
    for (const target of all) {
      const entry = runs.get(target)!;
      const before = cpuMs(options.pid);
      const load = await runLoad({
        url: target.url,
        headers,
        connections: options.connections,
        amount: Math.ceil(options.requests / options.rounds),
      });
      entry.cpu += cpuMs(options.pid) - before;
      entry.loads.push(load);
    }
  }
  const figures: Record<string, GrowthFigure[]> = {};
  for (const [name, targets] of Object.entries(pages)) {
    const measured = targets.map((target) => {
      const { loads, cpu } = runs.get(target)!;
      const merged = mergeLoads(loads);
      const failed = loads.reduce((n, l) => n + l.errors + l.non2xx, 0);
      if (failed) throw new Error(`${target.url}: ${failed} failed requests`);
      return { size: target.size, merged, cpuPerRequest: merged.requests ? cpu / merged.requests : 0 };
    });
    const smallest = measured[0]!;
    figures[name] = measured.map((m) => ({
      size: m.size,
      requests: m.merged.requests,
      rps: m.merged.rps,
      p95: m.merged.p95,
      cpuMsPerRequest: round(m.cpuPerRequest, 3),
      cpuRatio: round(m.cpuPerRequest / smallest.cpuPerRequest, 3),
      rpsRatio: round(smallest.merged.rps / m.merged.rps, 3),
    }));
  }
  return figures;
}

/** Downloads an export to the end, sampling the server's resident memory every 10 ms. */
async function measureExport(url: string, cookie: string, pid: number, events: number): Promise<CsvExportFigure> {
  const rssBefore = rssMb(pid);
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 10);
  const started = performance.now();
  try {
    const response = await fetch(url, { headers: { cookie } });
    if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status}`);
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      for (const byte of chunk) if (byte === 10) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, rssMb(pid));
    // Every record ends in CRLF and no cell of these events holds a line break; less the header.
    return {
      events,
      rows: lines - 1,
      seconds: round(seconds, 2),
      rssBeforeMb: round(rssBefore, 1),
      peakRssMb: round(peak, 1),
    };
  } finally {
    clearInterval(sampler);
  }
}

export type GrowthResults = {
  /** Requests per page and size, in `rounds` rounds. */
  requests: number;
  rounds: number;
  connections: number;
  users: { sizes: number[]; pages: Record<string, GrowthFigure[]> };
  audit: { sizes: number[]; cursorPages: number[]; pages: Record<string, GrowthFigure[]> };
  csvExport: { runs: CsvExportFigure[]; rssGrowthMb: number };
};

export async function measureGrowth(
  seed: GrowthSeed,
  options: { base: string; cookie: string; pid: number; requests: number; log: (message: string) => void },
): Promise<GrowthResults> {
  const { base, cookie, pid, log } = options;
  const connections = 8;
  const rounds = 3;
  const users = (query: (o: GrowthMembersOrg) => string) =>
    seed.members.map((o) => ({ size: o.members, url: `${base}/o/${o.slug}/admin/users${query(o)}` }));
  const audit = (query: (o: GrowthAuditOrg) => string) =>
    seed.audit.map((o) => ({ size: o.events, url: `${base}/o/${o.slug}/admin/audit${query(o)}` }));

  log("growth: the Users page at each size");
  const userPages = await measurePages(
    {
      first: users(() => ""),
      // One member in twenty is a Turing: a full page at every size.
      search: users(() => "?q=turing"),
      searchEmpty: users(() => "?q=nobody-by-this-name"),
      last: users((o) => `?page=${o.lastPage}`),
    },
    { cookie, pid, requests: options.requests, rounds, connections },
  );
  log("growth: the Audit log at each size");
  const auditPages = await measurePages(
    {
      first: audit(() => ""),
      filtered: audit(() => `?action=${FILTERED_ACTION}`),
      cursor: audit((o) => `?before=${o.cursor}`),
    },
    { cookie, pid, requests: options.requests, rounds, connections },
  );

  log("growth: CSV export");
  const exportUrl = (o: GrowthAuditOrg) => `${base}/o/${o.slug}/admin/audit/export${o.exportQuery}`;
  // Warm the route on the smallest log, then the smallest and the largest export.
  const smallest = seed.audit[0]!;
  const largest = seed.audit.at(-1)!;
  await measureExport(exportUrl(smallest), cookie, pid, smallest.exportEvents);
  const small = await measureExport(exportUrl(smallest), cookie, pid, smallest.exportEvents);
  const large = await measureExport(exportUrl(largest), cookie, pid, largest.exportEvents);
  for (const run of [small, large])
    if (run.rows !== run.events) throw new Error(`the export gave ${run.rows} rows instead of ${run.events}`);

  return {
    requests: options.requests,
    rounds,
    connections,
    users: { sizes: seed.members.map((o) => o.members), pages: userPages },
    audit: {
      sizes: seed.audit.map((o) => o.events),
      cursorPages: seed.audit.map((o) => o.cursorPage),
      pages: auditPages,
    },
    csvExport: { runs: [small, large], rssGrowthMb: round(large.peakRssMb - small.peakRssMb, 1) },
  };
}

/** The growth goals: every ratio of the largest size ≤ 1.3; the export's peak RSS grows < 50 MB. */
export function growthGoals(growth: GrowthResults): [string, string, boolean][] {
  const goals: [string, string, boolean][] = [];
  const check = (area: string, pages: Record<string, GrowthFigure[]>, sizes: number[]) => {
    const [first, last] = [sizes[0]!, sizes.at(-1)!];
    for (const [name, figures] of Object.entries(pages)) {
      const f = figures.at(-1)!;
      const worst = Math.max(f.cpuRatio, f.rpsRatio);
      goals.push([
        `growth ${area} ${name} ${last} ÷ ${first}: CPU and throughput ≤ 1.3`,
        `${f.cpuRatio} / ${f.rpsRatio}`,
        worst <= 1.3,
      ]);
    }
  };
  check("users", growth.users.pages, growth.users.sizes);
  check("audit", growth.audit.pages, growth.audit.sizes);
  const [small, large] = growth.csvExport.runs;
  goals.push([
    `growth CSV export peak RSS ${large!.events} − ${small!.events} events < 50 MB`,
    `${growth.csvExport.rssGrowthMb} MB`,
    growth.csvExport.rssGrowthMb < 50,
  ]);
  return goals;
}

/** The growth table in Markdown. */
export function growthTable(growth: GrowthResults): string {
  const lines: string[] = [];
  const table = (title: string, unit: string, pages: Record<string, GrowthFigure[]>, sizes: number[]) => {
    lines.push(
      `\n${title}: CPU ms per request (ratio to ${sizes[0]}) and req/s (ratio: ${sizes[0]}'s ÷ this size's)\n`,
    );
    lines.push(`| page | ${sizes.map((s) => `${s} ${unit}`).join(" | ")} |`);
    lines.push(`|---|${sizes.map(() => "---").join("|")}|`);
    for (const [name, figures] of Object.entries(pages)) {
      lines.push(
        `| ${name} | ${figures.map((f) => `${f.cpuMsPerRequest} ms (${f.cpuRatio}), ${f.rps}/s (${f.rpsRatio})`).join(" | ")} |`,
      );
    }
  };
  table("Users page", "members", growth.users.pages, growth.users.sizes);
  table("Audit log", "events", growth.audit.pages, growth.audit.sizes);
  lines.push("\n| CSV export | rows | seconds | server RSS before MB | peak RSS MB |\n|---|---|---|---|---|");
  for (const run of growth.csvExport.runs)
    lines.push(`| ${run.events} events | ${run.rows} | ${run.seconds} | ${run.rssBeforeMb} | ${run.peakRssMb} |`);
  lines.push(`\nPeak RSS growth between the two exports: ${growth.csvExport.rssGrowthMb} MB`);
  return lines.join("\n");
}
