import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { invitations, organizationSettings } from "@/db/schema";
import { ActionClient, pagePath, type ActionInfo } from "../support/action-client";
import { createOrganizationWithOwner, DEFAULT_PASSWORD } from "../support/factories";
import type { StandIn } from "../support/resend-stand-in";
import { clientFor } from "./identities";
import { clearRateLimits, inviteManually, linkMailedTo, resultOf } from "./links";

type Input = { db: Database; standIn: StandIn; baseUrl: string; actions: ActionInfo[] };

/** One stale temporary password tried where a temporary password is used. */
type StaleCheck = { scenario: string; where: "sign-in" | "acceptance"; accepted: boolean };
/** The current credential of the scenario, where it must still work. */
type Control = { scenario: string; what: string; ok: boolean; detail: string };

export type TempPasswordsOutcome = {
  figures: { scenarios: number; staleTried: number; accepted: number; controls: number; controlsOk: number };
  stale: StaleCheck[];
  controls: Control[];
  goals: [string, boolean][];
  secrets: string[];
};

const NEW_PASSWORD = "a brand new passphrase for the test";

/**
 * A temporary password belongs to the invitation that issued it. Through the real actions:
 * used once then re-invited after the invitation lapsed, cancelled, expired, accepted, and
 * rotated by two re-invites; each stale temporary password is tried at sign-in and on the
 * invitation page (the current key with the old password), and must be refused. Each scenario
 * also checks, as a positive control, that the password the invitee should have works.
 */
export async function runTempPasswords({ db, standIn, baseUrl, actions }: Input): Promise<TempPasswordsOutcome> {
  await clearRateLimits(db);
  const { org, owner } = await createOrganizationWithOwner(db, "Temporary Corp");
  // Not send: a re-invite shows the new temporary password, as the first invitation does.
  await db
    .update(organizationSettings)
    .set({ temporaryPasswordPolicy: "not_send" })
    .where(eq(organizationSettings.organizationId, org.id));
  const admin = await clientFor(baseUrl, actions, { email: owner.email, password: DEFAULT_PASSWORD });
  const anonymous = () => new ActionClient(baseUrl, actions);
  const signIn = admin.find("app/sign-in/actions.ts", "signInAction");
  const verify = admin.find("app/invite/actions.ts", "verifyTemporaryPasswordAction");
  const complete = admin.find("app/invite/actions.ts", "completeNewAccountAction");
  const reinvite = admin.find("app/o/[slug]/admin/users/actions.ts", "reinviteAction");
  const cancel = admin.find("app/o/[slug]/admin/users/actions.ts", "cancelInvitationAction");
  const usersPath = pagePath("app/o/[slug]/admin/users/page", { slug: org.slug });

  const stale: StaleCheck[] = [];
  const controls: Control[] = [];
  const secrets: string[] = [];

  const signsIn = async (email: string, password: string) => {
    const r = await anonymous().call(signIn, [{ email, password }], { path: "/sign-in" });
    return { ok: Boolean(r.redirect), detail: `${r.status} ${r.redirect ?? JSON.stringify(r.result)?.slice(0, 160)}` };
  };
  const verifies = async (invitationId: string, key: string, temporaryPassword: string) => {
    const r = await anonymous().call(verify, [{ invitationId, key, temporaryPassword }], {
      path: `/invite/${invitationId}`,
    });
    return { ok: resultOf(r)?.ok === true, detail: `${r.status} ${JSON.stringify(r.result)?.slice(0, 160)}` };
  };
  /** Update Password with the temporary password: must not set a password or join. */
  const completes = async (invitationId: string, key: string, temporaryPassword: string) => {
    const r = await anonymous().call(
      complete,
      [{ invitationId, key, temporaryPassword, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }],
      { path: `/invite/${invitationId}` },
    );
    return { ok: Boolean(r.redirect), detail: `${r.status} ${r.redirect ?? JSON.stringify(r.result)?.slice(0, 160)}` };
  };
  const control = (scenario: string, what: string, outcome: { ok: boolean; detail: string }) =>
    controls.push({ scenario, what, ok: outcome.ok, detail: outcome.ok ? "" : outcome.detail });
  /** The stale password at sign-in and at acceptance (verify, then Update Password, which would join). */
  const tryStale = async (scenario: string, email: string, current: { id: string; key: string }, password: string) => {
    stale.push({ scenario, where: "sign-in", accepted: (await signsIn(email, password)).ok });
    const accepted =
      (await verifies(current.id, current.key, password)).ok || (await completes(current.id, current.key, password)).ok;
    stale.push({ scenario, where: "acceptance", accepted });
  };
  const invite = async (label: string) => {
    const invitation = await inviteManually(
      admin,
      standIn,
      org.slug,
      `temp.${label}.${randomUUID().slice(0, 8)}@example.com`,
    );
    secrets.push(invitation.key, invitation.temporaryPassword);
    return invitation;
  };
  const reinviteNow = async (scenario: string, invitationId: string, email: string, knownKeys: string[]) => {
    const startedAt = Date.now() - 1_000;
    const r = await admin.call(reinvite, [org.slug, { invitationId }], { path: usersPath });
    const data = resultOf(r)?.data as { temporaryPassword?: string | null } | undefined;
    control(scenario, "re-invite succeeds and shows a new temporary password", {
      ok: resultOf(r)?.ok === true && Boolean(data?.temporaryPassword),
      detail: `${r.status} ${JSON.stringify(r.result)?.slice(0, 200)}`,
    });
    const link = await linkMailedTo(standIn, email, "invite", startedAt, 20_000, knownKeys);
    if (data?.temporaryPassword) secrets.push(data.temporaryPassword);
    secrets.push(link.key);
    return { id: link.id, key: link.key, temporaryPassword: data?.temporaryPassword ?? null };
  };
  const lapse = (invitationId: string) =>
    db
      .update(invitations)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(invitations.id, invitationId));

  // 1. Used once (a sign-in with it), the invitation lapses, the administrator re-invites.
  {
    const s = "used once, then re-invited";
    await clearRateLimits(db);
    const first = await invite("used");
    control(
      s,
      "the temporary password signs in while the invitation is pending",
      await signsIn(first.email, first.temporaryPassword),
    );
    await lapse(first.invitationId);
    const next = await reinviteNow(s, first.invitationId, first.email, [first.key]);
    await tryStale(s, first.email, next, first.temporaryPassword);
    if (next.temporaryPassword) {
      control(
        s,
        "the new temporary password is accepted on the invitation page",
        await verifies(next.id, next.key, next.temporaryPassword),
      );
      control(s, "the new temporary password signs in", await signsIn(first.email, next.temporaryPassword));
    }
  }

  // 2. Cancelled.
  {
    const s = "cancelled";
    await clearRateLimits(db);
    const invitation = await invite("cancelled");
    control(
      s,
      "the temporary password is accepted before the cancel",
      await verifies(invitation.invitationId, invitation.key, invitation.temporaryPassword),
    );
    const r = await admin.call(cancel, [org.slug, { invitationId: invitation.invitationId }], { path: usersPath });
    control(s, "the cancel succeeds", {
      ok: resultOf(r)?.ok === true,
      detail: `${r.status} ${JSON.stringify(r.result)?.slice(0, 160)}`,
    });
    await tryStale(
      s,
      invitation.email,
      { id: invitation.invitationId, key: invitation.key },
      invitation.temporaryPassword,
    );
  }

  // 3. Expired (never used).
  {
    const s = "expired";
    await clearRateLimits(db);
    const invitation = await invite("expired");
    control(
      s,
      "the temporary password signs in before the expiry",
      await signsIn(invitation.email, invitation.temporaryPassword),
    );
    await lapse(invitation.invitationId);
    await tryStale(
      s,
      invitation.email,
      { id: invitation.invitationId, key: invitation.key },
      invitation.temporaryPassword,
    );
  }

  // 4. Accepted: the invitee set a password and joined.
  {
    const s = "accepted";
    await clearRateLimits(db);
    const invitation = await invite("accepted");
    control(
      s,
      "Update Password with the temporary password joins",
      await completes(invitation.invitationId, invitation.key, invitation.temporaryPassword),
    );
    control(s, "the new password signs in", await signsIn(invitation.email, NEW_PASSWORD));
    await tryStale(
      s,
      invitation.email,
      { id: invitation.invitationId, key: invitation.key },
      invitation.temporaryPassword,
    );
  }

  // 5. Rotated: re-invited twice, none of the passwords used; only the last one works.
  {
    const s = "rotated (re-invited twice)";
    await clearRateLimits(db);
    const first = await invite("rotated");
    const second = await reinviteNow(s, first.invitationId, first.email, [first.key]);
    const third = await reinviteNow(s, first.invitationId, first.email, [first.key, second.key]);
    await tryStale(s, first.email, third, first.temporaryPassword);
    if (second.temporaryPassword) await tryStale(s, first.email, third, second.temporaryPassword);
    if (third.temporaryPassword) {
      control(
        s,
        "the newest temporary password is accepted on the invitation page",
        await verifies(third.id, third.key, third.temporaryPassword),
      );
      control(s, "the newest temporary password signs in", await signsIn(first.email, third.temporaryPassword));
    }
  }
  await clearRateLimits(db);

  const figures = {
    scenarios: 5,
    staleTried: stale.length,
    accepted: stale.filter((x) => x.accepted).length,
    controls: controls.length,
    controlsOk: controls.filter((c) => c.ok).length,
  };
  return {
    figures,
    stale,
    controls,
    goals: [
      ["tempPasswords: no stale temporary password works (accepted = 0)", figures.accepted === 0 && stale.length >= 10],
      [
        "tempPasswords: every positive control works",
        figures.controlsOk === figures.controls && figures.controls >= 10,
      ],
    ],
    secrets,
  };
}
