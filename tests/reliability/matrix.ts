import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { pagePath, type ActionClient, type ActionInfo, type ActionResponse } from "../support/action-client";
import { refusedIdentities, type IdentityName, type World } from "./identities";
import { routeSamples, type RouteInput } from "./routes";
import { samples } from "./samples";

export type MatrixCase = {
  kind: "action" | "route" | "page";
  action: string;
  identity: IdentityName;
  refused: boolean;
  wrote: boolean;
  detail: string;
};

/** The refusal of an administrator held at enrollment: its code, or the enrollment page. */
export const HOLD_CODE = "two-step.requiredForAdministrators";

/**
 * How a refusal looks from outside: an error result that says so, a 4xx, or a redirect to sign
 * in, to the change-password page or to the two-step enrollment page.
 */
function isRefusal(response: ActionResponse): boolean {
  if (response.status >= 400 && response.status < 500) return true;
  if (response.redirect && /^\/(sign-in|change-password|two-step\/setup)([/?]|$)/.test(response.redirect)) return true;
  const result = response.result as { ok?: boolean; code?: string } | undefined;
  return result?.ok === false && ["forbidden", "accessExpired", "notFound", HOLD_CODE].includes(result.code ?? "");
}

/**
 * The row count of every table of the database (read from the catalog, so a new table is counted
 * without being listed), rate-limit counters aside: the servers' workers prune expired ones on
 * their own clock. A case wrote when any count differs after it.
 */
async function countAllRows(db: Database): Promise<Record<string, number>> {
  const tables = rowsOf<{ table_name: string }>(
    await db.execute(
      sql`select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'rate_limits'
        order by table_name`,
    ),
  ).map((r) => r.table_name);
  const counts = rowsOf<{ t: string; n: number }>(
    await db.execute(
      sql.raw(tables.map((t) => `select '${t}' as t, count(*)::int as n from "${t}"`).join(" union all ")),
    ),
  );
  return Object.fromEntries(counts.map((r) => [r.t, Number(r.n)]));
}

/** Runs one case between two counts of every table: whether any count changed. */
export async function measured<T>(db: Database, call: () => Promise<T>): Promise<{ value: T; wrote: boolean }> {
  const before = await countAllRows(db);
  const value = await call();
  const after = await countAllRows(db);
  return { value, wrote: JSON.stringify(before) !== JSON.stringify(after) };
}

/** Called before each case of an identity, outside its measurement (the pending sign-in's state is renewed there). */
export type Prepare = (identity: IdentityName) => Promise<void>;

export function actionKey(action: Pick<ActionInfo, "file" | "name">): string {
  return `${action.file}#${action.name}`;
}

/** Actions that have no entry in the samples table: the matrix fails while any exists. */
export function unmappedActions(actions: ActionInfo[]): string[] {
  return actions.map(actionKey).filter((key) => !(key in samples));
}

/**
 * Every protected action, called by every identity that must be refused, with input that would
 * succeed for an administrator. Each call must be refused and change no row of any table.
 */
export async function runMatrix(
  db: Database,
  world: World,
  actions: ActionInfo[],
  clients: Record<IdentityName, ActionClient>,
  prepare: Prepare = async () => {},
): Promise<MatrixCase[]> {
  const cases: MatrixCase[] = [];
  for (const action of actions) {
    const sample = samples[actionKey(action)];
    if (!sample || sample.kind === "public") continue;
    // Any signed-in account may use its own account-level actions; only org-scoped ones are
    // refused to members of other organizations and to disabled or expired members.
    const identities: IdentityName[] =
      sample.refusedFor ??
      (sample.kind === "org" ? refusedIdentities : ["anonymous", "temporaryPassword", "secondStepPending"]);
    for (const identity of identities) {
      await prepare(identity);
      const { value: response, wrote } = await measured(db, () =>
        clients[identity].call(action, sample.args(world), {
          path: pagePath(action.pages[0] ?? "app/page", { slug: world.target.org.slug }),
        }),
      );
      const refused = isRefusal(response);
      cases.push({
        kind: "action",
        action: actionKey(action),
        identity,
        refused,
        wrote,
        detail:
          refused && !wrote
            ? ""
            : `status ${response.status}, result ${JSON.stringify(response.result)?.slice(0, 200)}, redirect ${response.redirect}`,
      });
    }
  }
  return cases;
}

/** Route handlers left out of the matrix, and why: each may answer anyone. */
const publicRoutes: Record<string, string> = {
  "/api/auth/[...nextauth]":
    "next-auth's own endpoints: sessions are opened only with a 60-second grant signed by the server",
  "/apple-icon.png": "the app icon, a file of the build: the same bytes for anyone, nothing read or written",
  "/favicon.ico": "the app icon, a file of the build: the same bytes for anyone, nothing read or written",
  "/icon.svg": "the app icon, a file of the build: the same bytes for anyone, nothing read or written",
};

/** `app/o/[slug]/x/route` entries of the build's app-paths manifest, as route templates. */
export function loadRoutes(buildDir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(buildDir, "server", "app-paths-manifest.json"), "utf8")) as Record<
    string,
    string
  >;
  return Object.keys(manifest)
    .filter((p) => p.endsWith("/route"))
    .map((p) => p.replace(/\/route$/, ""))
    .sort();
}

/** The methods a route handler serves, as Next.js lists them in its automatic OPTIONS answer. */
async function servedMethods(url: string): Promise<string[]> {
  const response = await fetch(url, { method: "OPTIONS", redirect: "manual" });
  await response.arrayBuffer();
  return (response.headers.get("allow") ?? "")
    .split(",")
    .map((m) => m.trim().toUpperCase())
    .filter((m) => m && m !== "OPTIONS" && m !== "HEAD");
}

/** Route templates of the build without an entry in tests/reliability/routes.ts (or a served method without a sample). */
export async function unmappedRoutes(baseUrl: string, world: World, routes: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const route of routes) {
    if (route in publicRoutes) continue;
    const sample = routeSamples[route];
    if (!sample) {
      out.push(route);
      continue;
    }
    for (const method of await servedMethods(routeUrl(baseUrl, route, world)))
      if (!(method in sample.served)) out.push(`${method} ${route}`);
  }
  return out;
}

function routeUrl(baseUrl: string, route: string, world: World): string {
  return baseUrl + route.replace("[slug]", world.target.org.slug).replace(/\[[^\]]+\]/g, world.invitation.id);
}

/**
 * Every route handler, sent by every identity that must be refused each method it serves, with
 * a request that succeeds for the administrator (a valid token, a real query), and every other
 * state-changing method: each answer must be a refusal (4xx, 405, or a redirect to sign in) and
 * change no row. The positive controls then send the same requests as the administrator.
 */
export async function runRouteMatrix(
  db: Database,
  world: World,
  baseUrl: string,
  routes: string[],
  clients: Record<IdentityName, ActionClient>,
  input: RouteInput,
  options: { identities?: IdentityName[]; prepare?: Prepare } = {},
): Promise<MatrixCase[]> {
  const { identities = refusedIdentities, prepare = async () => {} } = options;
  const cases: MatrixCase[] = [];
  for (const route of routes) {
    const sample = routeSamples[route];
    if (route in publicRoutes || !sample) continue;
    const url = routeUrl(baseUrl, route, world);
    const served = await servedMethods(url);
    const methods = [...new Set([...(sample.public ? [] : served), "POST", "PUT", "PATCH", "DELETE"])].filter(
      (m) => !(sample.public && served.includes(m)),
    );
    for (const method of methods) {
      const build = sample.served[method];
      const request = build ? build(input) : { body: "token=x", contentType: "application/x-www-form-urlencoded" };
      for (const identity of identities) {
        await prepare(identity);
        const { value: response, wrote } = await measured(db, async () => {
          const answer = await fetch(url + (request.query ?? ""), {
            method,
            redirect: "manual",
            headers: {
              cookie: clients[identity].cookieHeader(),
              origin: baseUrl,
              ...(request.contentType ? { "content-type": request.contentType } : {}),
            },
            body: method === "GET" ? undefined : request.body,
          });
          await answer.arrayBuffer();
          return answer;
        });
        const location = response.headers.get("location") ?? "";
        const refused =
          (response.status >= 400 && response.status < 500) ||
          (response.status >= 300 && response.status < 400 && /sign-in|two-step\/setup/.test(location));
        cases.push({
          kind: "route",
          action: `${method} ${route}${build ? " (served, valid input)" : ""}`,
          identity,
          refused,
          wrote,
          detail: refused && !wrote ? "" : `status ${response.status} ${location}`,
        });
      }
    }
  }
  return cases;
}
