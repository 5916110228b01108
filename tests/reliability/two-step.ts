import { readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { organizationSettings } from "@/db/schema";
import { totpStepAt } from "@/lib/two-step/totp";
import { pagePath, type ActionClient, type ActionInfo } from "../support/action-client";
import {
  enrollAuthenticator,
  holdsSession,
  totpCode,
  type EnrolledAuthenticator,
  type IdentityName,
  type World,
} from "./identities";
import { clearRateLimits, resultOf } from "./links";
import { actionKey, HOLD_CODE, measured, runRouteMatrix, type MatrixCase, type Prepare } from "./matrix";
import type { PositiveControl } from "./positive";
import type { RouteInput } from "./routes";
import { samples } from "./samples";
import { twoStepSecretForms } from "./secrets";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pages of the build (`app/…/page` entries of its app-paths manifest), as route templates. */
function loadPages(buildDir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(buildDir, "server", "app-paths-manifest.json"), "utf8")) as Record<
    string,
    string
  >;
  return Object.keys(manifest)
    .filter((p) => p.endsWith("/page"))
    .map((p) => p.replace(/\/page$/, "") || "/")
    .sort();
}

/** The organization's pages: every one under /o/[slug]. */
const organizationPages = (pages: string[]) => pages.filter((p) => p.startsWith("/o/[slug]"));
/** The pages of a signed-in account outside any organization. */
const accountPages = (pages: string[]) =>
  pages.filter((p) => /^\/(account|two-step|orgs|change-password)(\/|$)/.test(p));

function pageUrl(baseUrl: string, page: string, world: World): string {
  return (
    baseUrl +
    page
      .replace("[slug]", world.target.org.slug)
      .replace("[member]", world.members.user)
      .replace(/\[[^\]]+\]/g, "x")
  );
}

/** A page requested as the client: its status and where it sends the browser (a path), if anywhere. */
async function getPage(client: ActionClient, url: string): Promise<{ status: number; location: string | null }> {
  const response = await fetch(url, { redirect: "manual", headers: { cookie: client.cookieHeader() } });
  await response.arrayBuffer();
  const location = response.headers.get("location");
  return { status: response.status, location: location ? new URL(location, url).pathname : null };
}

/**
 * Each page requested as the identity must redirect to `expected` (a path: the sign-in page for
 * the pending sign-in, the enrollment page for the held administrator) and change no row.
 */
async function runPageMatrix(input: {
  db: Database;
  world: World;
  baseUrl: string;
  pages: string[];
  identity: IdentityName;
  client: () => ActionClient;
  expected: string;
  prepare: Prepare;
}): Promise<MatrixCase[]> {
  const cases: MatrixCase[] = [];
  for (const page of input.pages) {
    await input.prepare(input.identity);
    const { value, wrote } = await measured(input.db, () =>
      getPage(input.client(), pageUrl(input.baseUrl, page, input.world)),
    );
    const refused = value.status >= 300 && value.status < 400 && value.location === input.expected;
    cases.push({
      kind: "page",
      action: `GET page ${page}`,
      identity: input.identity,
      refused,
      wrote,
      detail: refused && !wrote ? "" : `status ${value.status}, location ${value.location}`,
    });
  }
  return cases;
}

async function setRequirement(db: Database, organizationId: string, requirement: "off" | "required") {
  await db
    .update(organizationSettings)
    .set({ twoStepRequirement: requirement })
    .where(eq(organizationSettings.organizationId, organizationId));
}

type Input = {
  db: Database;
  world: World;
  baseUrl: string;
  buildDir: string;
  actions: ActionInfo[];
  routes: string[];
  routeInput: RouteInput;
  clients: Record<IdentityName, ActionClient>;
  prepare: Prepare;
  /** The authenticator app `secondStepPending` enrolled before signing in. */
  pendingFactor: EnrolledAuthenticator;
};

export type TwoStepOutcome = {
  cases: MatrixCase[];
  controls: PositiveControl[];
  /** Authenticator secrets and recovery codes of the phase: the secrets scan looks for them. */
  unmailedSecrets: string[];
};

/**
 * The two-step identities beyond the action and route matrix:
 *
 * - "password verified, second step pending": every page of the organization and of the account
 *   redirects to sign-in, writing nothing. Control: the same sealed state, completed with a code
 *   of the account's authenticator app, gives a session that the organization's pages and actions
 *   accept.
 * - "administrator without a factor in a Required organization": with the target organization's
 *   setting turned to Required, every organization action is answered with the hold, every route
 *   refused and every page redirects to the enrollment page, writing nothing. Controls: before the
 *   setting, the same administrator is let in; while Required, a user member is not held; the
 *   administrator reaches the enrollment page, enrolls, and is then let in (pages, reads, a
 *   settings change, the Audit log export). The settings row is put back as it was.
 */
export async function runTwoStep(input: Input): Promise<TwoStepOutcome> {
  const { db, world, baseUrl, actions, clients, prepare } = input;
  const slug = world.target.org.slug;
  const pages = loadPages(input.buildDir);
  const cases: MatrixCase[] = [];
  const controls: PositiveControl[] = [];
  const unmailedSecrets: string[] = [];
  const control = (name: string, ok: boolean, detail: string) => controls.push({ name, ok, detail: ok ? "" : detail });
  const orgActions = actions.filter((a) => samples[actionKey(a)]?.kind === "org");
  const callOrg = (client: ActionClient, action: ActionInfo) => {
    const sample = samples[actionKey(action)]!;
    if (sample.kind === "public") throw new Error("not an organization action");
    return client.call(action, sample.args(world), { path: pagePath(action.pages[0] ?? "app/page", { slug }) });
  };
  const readSettings = clients.anonymous.find("app/o/[slug]/admin/settings/general/actions.ts", "readSettingsAction");

  // The pending sign-in: every page of the organization and of the account.
  cases.push(
    ...(await runPageMatrix({
      db,
      world,
      baseUrl,
      pages: [...organizationPages(pages), ...accountPages(pages)],
      identity: "secondStepPending",
      client: () => clients.secondStepPending,
      expected: "/sign-in",
      prepare,
    })),
  );

  // Control: the pending state is one step from a session. A code of a later time step than the
  // enrollment's (the product refuses a step used once) completes it.
  await prepare("secondStepPending");
  await clearRateLimits(db);
  while (totpStepAt() <= input.pendingFactor.lastStep) await sleep(1_000);
  const pending = clients.secondStepPending;
  const verify = pending.find("app/sign-in/two-step/actions.ts", "verifySecondStepAction");
  const completed = await pending.call(verify, [{ method: "totp", code: totpCode(input.pendingFactor.secret) }], {
    path: "/sign-in/two-step",
  });
  control(
    "second step pending: a code of its authenticator app completes the same state into a session",
    !!completed.redirect && !completed.redirect.startsWith("/sign-in") && holdsSession(pending),
    `status ${completed.status}, redirect ${completed.redirect}, result ${JSON.stringify(completed.result)?.slice(0, 200)}`,
  );
  const pendingRead = resultOf(await callOrg(pending, readSettings));
  control(
    "second step pending: once completed, an organization action succeeds",
    pendingRead?.ok === true,
    JSON.stringify(pendingRead)?.slice(0, 200) ?? "no result",
  );
  const pendingPage = await getPage(pending, pageUrl(baseUrl, "/o/[slug]/admin/users", world));
  control(
    "second step pending: once completed, the organization's Users page renders",
    pendingPage.status === 200,
    `status ${pendingPage.status}, location ${pendingPage.location}`,
  );

  // The held administrator. Control first: with the setting Off the same account is let in.
  const held = clients.heldAdministrator;
  const [settingsBefore] = await db
    .select()
    .from(organizationSettings)
    .where(eq(organizationSettings.organizationId, world.target.org.id));
  if (!settingsBefore) throw new Error("the target organization has no settings row");
  const heldOff = resultOf(await callOrg(held, readSettings));
  control(
    "held administrator: with the requirement Off, the same administrator is let in",
    heldOff?.ok === true,
    JSON.stringify(heldOff)?.slice(0, 200) ?? "no result",
  );

  await setRequirement(db, world.target.org.id, "required");
  try {
    for (const action of orgActions) {
      const { value: response, wrote } = await measured(db, () => callOrg(held, action));
      const result = resultOf(response);
      // Held, not refused for another reason: the hold's own answer, or the enrollment page.
      const refused =
        (result?.ok === false && result.code === HOLD_CODE) || !!response.redirect?.startsWith("/two-step/setup");
      cases.push({
        kind: "action",
        action: actionKey(action),
        identity: "heldAdministrator",
        refused,
        wrote,
        detail:
          refused && !wrote
            ? ""
            : `status ${response.status}, result ${JSON.stringify(response.result)?.slice(0, 200)}, redirect ${response.redirect}`,
      });
    }
    cases.push(
      ...(await runRouteMatrix(db, world, baseUrl, input.routes, clients, input.routeInput, {
        identities: ["heldAdministrator"],
      })),
    );
    cases.push(
      ...(await runPageMatrix({
        db,
        world,
        baseUrl,
        pages: organizationPages(pages),
        identity: "heldAdministrator",
        client: () => held,
        expected: "/two-step/setup",
        prepare,
      })),
    );

    // A user member of the same organization is not held: its home page renders, and an
    // administrator's action is refused for its role, not with the hold.
    const userHome = await getPage(clients.userMember, pageUrl(baseUrl, "/o/[slug]", world));
    control(
      "Required organization: a user member is not held (its organization page renders)",
      userHome.status === 200,
      `status ${userHome.status}, location ${userHome.location}`,
    );
    const userRead = resultOf(await callOrg(clients.userMember, readSettings));
    control(
      "Required organization: a user member is refused an administrator's action for its role, not held",
      userRead?.ok === false && userRead.code === "forbidden",
      JSON.stringify(userRead)?.slice(0, 200) ?? "no result",
    );

    // The held administrator reaches the enrollment page and enrolls there; then it is let in.
    const setupPage = await getPage(held, `${baseUrl}/two-step/setup?next=${encodeURIComponent(`/o/${slug}`)}`);
    control(
      "held administrator: the enrollment page renders while held",
      setupPage.status === 200,
      `status ${setupPage.status}, location ${setupPage.location}`,
    );
    await clearRateLimits(db);
    const enrolled = await enrollAuthenticator(held);
    unmailedSecrets.push(...twoStepSecretForms(enrolled));
    for (const page of organizationPages(pages)) {
      const answer = await getPage(held, pageUrl(baseUrl, page, world));
      control(
        `held administrator, once enrolled: GET page ${page}`,
        answer.status === 200,
        `status ${answer.status}, location ${answer.location}`,
      );
    }
    const exported = await fetch(`${baseUrl}/o/${slug}/admin/audit/export?action=invitation.sent`, {
      redirect: "manual",
      headers: { cookie: held.cookieHeader() },
    });
    const csv = await exported.text();
    control(
      "held administrator, once enrolled: GET /o/[slug]/admin/audit/export",
      exported.status === 200 && /text\/csv/.test(exported.headers.get("content-type") ?? ""),
      `status ${exported.status} ${exported.headers.get("content-type")} ${csv.slice(0, 80)}`,
    );
    // Reads first; the settings save (whose sample turns the requirement Off) last.
    const allowed = [
      "app/o/[slug]/admin/settings/general/actions.ts#readSettingsAction",
      "app/o/[slug]/admin/users/invite/actions.ts#lookupInviteeAction",
      "app/o/[slug]/admin/users/actions.ts#previewReinviteAction",
      "app/o/[slug]/admin/settings/general/actions.ts#updateSettingsAction",
    ];
    for (const key of allowed) {
      const action = orgActions.find((a) => actionKey(a) === key);
      const response = action ? await callOrg(held, action) : null;
      const result = response ? resultOf(response) : null;
      const ok = result?.ok === true && !samples[key]?.isValidationResult?.(response?.result);
      control(
        `held administrator, once enrolled: ${key}`,
        ok,
        action ? `status ${response?.status}, result ${JSON.stringify(result)?.slice(0, 200)}` : "no such action",
      );
    }
  } finally {
    // The positive controls and later phases expect the settings as they were (version included).
    const { organizationId, ...rest } = settingsBefore;
    await db.update(organizationSettings).set(rest).where(eq(organizationSettings.organizationId, organizationId));
  }
  return { cases, controls, unmailedSecrets };
}
