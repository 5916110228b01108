import type { Database } from "@/db/client";
import { pagePath, type ActionInfo } from "../support/action-client";
import { createOrganizationWithOwner, DEFAULT_PASSWORD } from "../support/factories";
import { clientFor } from "./identities";
import { clearRateLimits, resultOf } from "./links";

type Input = { db: Database; urls: [string, string]; actions: ActionInfo[] };
export type SessionsOutcome = {
  figures: { controls: number; controlsOk: number; copiedCookieAccepted: number };
  details: Record<string, string>;
  goals: [string, boolean][];
};

/**
 * Sign-out ends the session on the server: the session cookie copied before signing out is
 * tried afterwards, on a page and on an action, on both instances; and Sign out everywhere from a
 * second browser ends the first one's session. Before signing out the same cookies must work
 * (the positive controls).
 */
export async function runSessions({ db, urls, actions }: Input): Promise<SessionsOutcome> {
  await clearRateLimits(db);
  const { org, owner } = await createOrganizationWithOwner(db, "Sessions Corp");
  const client = await clientFor(urls[0], actions, { email: owner.email, password: DEFAULT_PASSWORD });
  const copied = client.cookieHeader();
  const read = client.find("app/o/[slug]/admin/settings/general/actions.ts", "readSettingsAction");
  const signOut = client.find("app/sign-in/actions.ts", "signOutAction");
  const settingsPath = pagePath("app/o/[slug]/admin/settings/general/page", { slug: org.slug });

  /** The copied cookie, on a page and on an action, on each instance: which of them let it in. */
  const tryCopy = async (copied: string) => {
    const out: Record<string, boolean> = {};
    for (const [i, url] of urls.entries()) {
      const page = await fetch(`${url}/o/${org.slug}/admin/users`, { redirect: "manual", headers: { cookie: copied } });
      await page.arrayBuffer();
      out[`page on instance ${i + 1}`] = page.status === 200;
      const other = await clientFor(url, actions, null);
      for (const pair of copied.split("; ")) {
        const eq = pair.indexOf("=");
        other.setCookie(pair.slice(0, eq), pair.slice(eq + 1));
      }
      out[`action on instance ${i + 1}`] =
        resultOf(await other.call(read, [org.slug], { path: settingsPath }))?.ok === true;
    }
    return out;
  };

  const before = await tryCopy(copied);
  const signedOut = await client.call(signOut, [], { path: "/" });
  const after = await tryCopy(copied);
  const details: Record<string, string> = { signOut: `${signedOut.status} ${signedOut.redirect ?? ""}` };
  for (const [k, v] of Object.entries(before)) details[`before sign-out: ${k}`] = v ? "accepted" : "refused";
  for (const [k, v] of Object.entries(after)) details[`after sign-out: ${k}`] = v ? "accepted" : "refused";

  // Sign out everywhere, from another browser: the first browser's session ends too.
  let everywhereBefore: Record<string, boolean> = {};
  let everywhereAfter: Record<string, boolean> = {};
  const everywhere = actions.find((a) => a.file === "app/sign-in/actions.ts" && a.name === "signOutEverywhereAction");
  if (everywhere) {
    const first = await clientFor(urls[0], actions, { email: owner.email, password: DEFAULT_PASSWORD });
    const second = await clientFor(urls[1], actions, { email: owner.email, password: DEFAULT_PASSWORD });
    everywhereBefore = await tryCopy(first.cookieHeader());
    const r = await second.call(everywhere, [], { path: "/" });
    details["sign out everywhere"] = `${r.status} ${r.redirect ?? ""}`;
    everywhereAfter = await tryCopy(first.cookieHeader());
    for (const [k, v] of Object.entries(everywhereAfter))
      details[`other browser after sign out everywhere: ${k}`] = v ? "accepted" : "refused";
  }
  const figures = {
    controls: Object.keys(before).length + Object.keys(everywhereBefore).length,
    controlsOk: [...Object.values(before), ...Object.values(everywhereBefore)].filter(Boolean).length,
    copiedCookieAccepted: Object.values(after).filter(Boolean).length,
    signOutEverywhereChecked: Object.keys(everywhereAfter).length,
    otherSessionAcceptedAfterSignOutEverywhere: Object.values(everywhereAfter).filter(Boolean).length,
  };
  return {
    figures,
    details,
    goals: [
      ["sessions: a cookie copied before sign-out is refused after it", figures.copiedCookieAccepted === 0],
      [
        "sessions: Sign out everywhere ends the other browser's session",
        figures.signOutEverywhereChecked > 0 && figures.otherSessionAcceptedAfterSignOutEverywhere === 0,
      ],
      ["sessions: the copied cookie works before sign-out (positive control)", figures.controlsOk === figures.controls],
    ],
  };
}
