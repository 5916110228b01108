import { readFileSync } from "node:fs";
import path from "node:path";
import type { Database } from "@/db/client";
import { pagePath, type ActionClient, type ActionInfo, type ActionResponse } from "../support/action-client";
import { countRows } from "../support/factories";
import { refusedIdentities, type IdentityName, type World } from "./identities";
import { samples } from "./samples";

export type MatrixCase = { action: string; identity: IdentityName; refused: boolean; wrote: boolean; detail: string };

/** How a refusal looks from outside: an error result that says so, a 4xx, or a redirect to sign in. */
export function isRefusal(response: ActionResponse): boolean {
  if (response.status >= 400 && response.status < 500) return true;
  if (response.redirect && /^\/(sign-in|change-password)/.test(response.redirect)) return true;
  const result = response.result as { ok?: boolean; code?: string } | undefined;
  return result?.ok === false && ["forbidden", "accessExpired", "notFound"].includes(result.code ?? "");
}

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
): Promise<MatrixCase[]> {
  const cases: MatrixCase[] = [];
  for (const action of actions) {
    const sample = samples[actionKey(action)];
    if (!sample || sample.kind === "public") continue;
    // Any signed-in account may use its own account-level actions; only org-scoped ones are
    // refused to members of other organizations and to disabled or expired members.
    const identities: IdentityName[] =
      sample.refusedFor ?? (sample.kind === "org" ? refusedIdentities : ["anonymous", "temporaryPassword"]);
    for (const identity of identities) {
      const before = await countRows(db);
      const response = await clients[identity].call(action, sample.args(world), {
        path: pagePath(action.pages[0] ?? "app/page", { slug: world.target.org.slug }),
      });
      const after = await countRows(db);
      const wrote = JSON.stringify(before) !== JSON.stringify(after);
      const refused = isRefusal(response);
      cases.push({
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

/** Route handlers that may answer a state-changing method for anyone, and why. */
export const publicRoutes: Record<string, string> = {
  "/api/auth/[...nextauth]":
    "next-auth's own endpoints: sessions are opened only with a 60-second grant signed by the server",
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

/**
 * Every route handler, sent every state-changing method by every identity that must be
 * refused: each answer must be a refusal (4xx, 405, or a redirect to sign in) and change no row.
 */
export async function runRouteMatrix(
  db: Database,
  world: World,
  baseUrl: string,
  routes: string[],
  clients: Record<IdentityName, ActionClient>,
): Promise<MatrixCase[]> {
  const cases: MatrixCase[] = [];
  for (const route of routes) {
    if (route in publicRoutes) continue;
    const url = baseUrl + route.replace("[slug]", world.target.org.slug).replace(/\[[^\]]+\]/g, world.invitation.id);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      for (const identity of refusedIdentities) {
        const before = await countRows(db);
        const response = await fetch(url, {
          method,
          redirect: "manual",
          headers: {
            cookie: clients[identity].cookieHeader(),
            origin: baseUrl,
            "content-type": "application/x-www-form-urlencoded",
          },
          body: "token=x",
        });
        await response.arrayBuffer();
        const after = await countRows(db);
        const location = response.headers.get("location") ?? "";
        const refused =
          (response.status >= 400 && response.status < 500) ||
          (response.status >= 300 && response.status < 400 && /sign-in/.test(location));
        const wrote = JSON.stringify(before) !== JSON.stringify(after);
        cases.push({
          action: `${method} ${route}`,
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
