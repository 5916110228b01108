import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { invitations, passwordResets } from "@/db/schema";
import { ActionClient, pagePath, type ActionInfo, type ActionResponse } from "../support/action-client";
import {
  addMember,
  createAccount,
  createOrganization,
  createOrganizationWithOwner,
  DEFAULT_PASSWORD,
} from "../support/factories";
import type { StandIn } from "../support/resend-stand-in";
import { clientFor } from "./identities";
import { clearRateLimits, inviteManually, isRateLimited, resultOf } from "./links";

type Input = { db: Database; standIn: StandIn; baseUrl: string; actions: ActionInfo[] };

/** One limiter under one kind of attack. */
type Trial = {
  limiter: string;
  /** `one address`: every request from the suite's own address; `forged XFF`: each with another X-Forwarded-For. */
  variant: "one address" | "forged XFF";
  attempts: number;
  /** Attempts that did the work the limit protects (a password or key compared, a mail queued, an address looked up). */
  checked: number;
  limit: number;
  overLimit: number;
  /** The right secret sent once the limit was reached: let through (must not be), or null where there is none. */
  rightSecretAccepted: boolean | null;
  unexpected: number;
};

export type BruteForceOutcome = {
  figures: {
    trials: number;
    overLimit: number;
    rightSecretAccepted: number;
    unexpected: number;
    /** "Forgot password?" answered one at a time: median for an address with an account, and without. */
    resetKnownMedianMs: number;
    resetUnknownMedianMs: number;
  };
  trials: Trial[];
  goals: [string, boolean][];
  secrets: string[];
};

const ATTEMPTS = 40;
const RESET_TIMING_PAIRS = 30;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const value = sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 10) / 10;
}
/**
 * The limits of SPEC §10 (lib/auth/authenticate.ts, lib/invitations/accept.ts, create.ts and
 * lookup.ts, lib/auth/password-reset.ts); each trial sends more than its limit. The per-account
 * ones are spread over three organizations, each kept under its own per-organization limit.
 */
const LIMITS = {
  signInPerAddressAndIp: 5,
  signInPerIp: 30,
  temporaryPasswordPerInvitation: 10,
  keyPerInvitation: 10,
  invitationAttemptsPerIp: 30,
  resetRequestsPerAddress: 3,
  resetRequestsPerIp: 20,
  /** Across the account's organizations (each of which allows 50 an hour per inviter on its own). */
  invitationsPerAccount: 100,
  /** Across the account's organizations (each of which allows 120 per 10 minutes on its own). */
  lookupsPerAccount: 240,
};

const forged = (i: number) => ({ "x-forwarded-for": `198.51.100.${(i % 250) + 1}` });
const unexpectedIn = (responses: ActionResponse[]) =>
  responses.filter((r) => r.status >= 500 || resultOf(r)?.code === "unexpected").length;

/**
 * Each limiter, attacked with 40 requests at once from the suite's one address, then again with
 * a different forged X-Forwarded-For on every request (the suite runs with TRUSTED_PROXY_HOPS
 * unset, so the header must change nothing). Counts what was really checked, and sends the right
 * secret once the limit is reached: it must be refused too.
 */
export async function runBruteForce({ db, standIn, baseUrl, actions }: Input): Promise<BruteForceOutcome> {
  const anonymous = () => new ActionClient(baseUrl, actions);
  const probe = anonymous();
  const signIn = probe.find("app/sign-in/actions.ts", "signInAction");
  const openInvitation = probe.find("app/invite/actions.ts", "openInvitationAction");
  const verifyTemporary = probe.find("app/invite/actions.ts", "verifyTemporaryPasswordAction");
  const forgot = probe.find("app/forgot-password/actions.ts", "forgotPasswordAction");

  await clearRateLimits(db);
  const { org, owner } = await createOrganizationWithOwner(db, "Limits Corp");
  const admin = await clientFor(baseUrl, actions, { email: owner.email, password: DEFAULT_PASSWORD });
  const victim = await createAccount(db, { name: "Vera Victim" });
  await addMember(db, org.id, victim.id, { role: "user" });
  const invitation = await inviteManually(admin, standIn, org.slug, `limits.${randomUUID().slice(0, 8)}@example.com`);
  const resetters: Awaited<ReturnType<typeof createAccount>>[] = [];
  for (let i = 0; i < ATTEMPTS; i++) resetters.push(await createAccount(db, { name: `Reset ${i}` }));
  const resetCount = async (accountIds: string[]) =>
    Number(
      (
        await db
          .select({ n: sql<number>`count(*)::int` })
          .from(passwordResets)
          .where(inArray(passwordResets.accountId, accountIds))
      )[0]?.n ?? 0,
    );

  const trials: Trial[] = [];
  const variants = ["one address", "forged XFF"] as const;

  /** 40 at once, each with its own client (no shared cookies), then the right secret. */
  async function trial(
    limiter: string,
    limit: number,
    variant: Trial["variant"],
    attempt: (client: ActionClient, headers: Record<string, string>, i: number) => Promise<ActionResponse>,
    options: {
      checked?: (responses: ActionResponse[]) => Promise<number>;
      right?: () => Promise<boolean>;
    } = {},
  ): Promise<void> {
    await clearRateLimits(db);
    const responses = await Promise.all(
      Array.from({ length: ATTEMPTS }, (_, i) => attempt(anonymous(), variant === "forged XFF" ? forged(i) : {}, i)),
    );
    const unexpected = unexpectedIn(responses);
    const checked = options.checked
      ? await options.checked(responses)
      : responses.filter((r) => !isRateLimited(r)).length - unexpected;
    const rightSecretAccepted = options.right ? await options.right() : null;
    trials.push({
      limiter,
      variant,
      attempts: ATTEMPTS,
      checked,
      limit,
      overLimit: Math.max(0, checked - limit),
      rightSecretAccepted,
      unexpected,
    });
  }

  for (const variant of variants) {
    const headers = (i: number) => (variant === "forged XFF" ? forged(i + 100) : {});
    await trial(
      "sign-in per address",
      LIMITS.signInPerAddressAndIp,
      variant,
      (c, h, i) =>
        c.call(signIn, [{ email: victim.email, password: `wrong password ${i}` }], { path: "/sign-in", headers: h }),
      {
        right: async () =>
          Boolean(
            (
              await anonymous().call(signIn, [{ email: victim.email, password: DEFAULT_PASSWORD }], {
                path: "/sign-in",
                headers: headers(0),
              })
            ).redirect,
          ),
      },
    );
    await trial(
      "sign-in per IP",
      LIMITS.signInPerIp,
      variant,
      (c, h, i) =>
        c.call(signIn, [{ email: `nobody.${i}.${randomUUID().slice(0, 6)}@example.com`, password: "wrong password" }], {
          path: "/sign-in",
          headers: h,
        }),
      {
        right: async () =>
          Boolean(
            (
              await anonymous().call(signIn, [{ email: victim.email, password: DEFAULT_PASSWORD }], {
                path: "/sign-in",
                headers: headers(1),
              })
            ).redirect,
          ),
      },
    );
    const invitePath = `/invite/${invitation.invitationId}`;
    await trial(
      "temporary password per invitation",
      LIMITS.temporaryPasswordPerInvitation,
      variant,
      (c, h, i) =>
        c.call(
          verifyTemporary,
          [
            {
              invitationId: invitation.invitationId,
              key: invitation.key,
              temporaryPassword: `WRONGPASSWORD${String(i).padStart(3, "0")}`,
            },
          ],
          { path: invitePath, headers: h },
        ),
      {
        right: async () =>
          resultOf(
            await anonymous().call(
              verifyTemporary,
              [
                {
                  invitationId: invitation.invitationId,
                  key: invitation.key,
                  temporaryPassword: invitation.temporaryPassword,
                },
              ],
              { path: invitePath, headers: headers(2) },
            ),
          )?.ok === true,
      },
    );
    await trial(
      "invitation key per invitation",
      LIMITS.keyPerInvitation,
      variant,
      (c, h, i) =>
        c.call(
          openInvitation,
          [{ invitationId: invitation.invitationId, key: `${"w".repeat(40)}${String(i).padStart(3, "0")}` }],
          {
            path: "/invite",
            headers: h,
          },
        ),
      {
        right: async () =>
          Boolean(
            (
              await anonymous().call(openInvitation, [{ invitationId: invitation.invitationId, key: invitation.key }], {
                path: "/invite",
                headers: headers(3),
              })
            ).redirect,
          ),
      },
    );
    await trial(
      "invitation attempts per IP",
      LIMITS.invitationAttemptsPerIp,
      variant,
      (c, h) =>
        c.call(openInvitation, [{ invitationId: randomUUID(), key: "w".repeat(43) }], { path: "/invite", headers: h }),
      {
        right: async () =>
          Boolean(
            (
              await anonymous().call(openInvitation, [{ invitationId: invitation.invitationId, key: invitation.key }], {
                path: "/invite",
                headers: headers(4),
              })
            ).redirect,
          ),
      },
    );
    const before = await resetCount([victim.id]);
    await trial(
      "reset requests per address",
      LIMITS.resetRequestsPerAddress,
      variant,
      (c, h) => c.call(forgot, [{ email: victim.email }], { path: "/forgot-password", headers: h }),
      { checked: async () => (await resetCount([victim.id])) - before },
    );
    const ids = resetters.map((r) => r.id);
    const beforeIp = await resetCount(ids);
    await trial(
      "reset requests per IP",
      LIMITS.resetRequestsPerIp,
      variant,
      (c, h, i) => c.call(forgot, [{ email: resetters[i]!.email }], { path: "/forgot-password", headers: h }),
      { checked: async () => (await resetCount(ids)) - beforeIp },
    );
  }

  // Per account, across every organization the account administers: the address plays no part.
  const inviter = await createAccount(db, { name: "Ingrid Inviter" });
  const orgs: Awaited<ReturnType<typeof createOrganization>>[] = [];
  for (let i = 0; i < 3; i++) {
    const o = await createOrganization(db, `Spread ${i}`);
    await addMember(db, o.id, inviter.id, { role: "administrator", isOwner: true });
    orgs.push(o);
  }
  await clearRateLimits(db);
  const inviterClient = await clientFor(baseUrl, actions, { email: inviter.email, password: DEFAULT_PASSWORD });
  const send = probe.find("app/o/[slug]/admin/users/invite/actions.ts", "sendInviteAction");
  const lookup = probe.find("app/o/[slug]/admin/users/invite/actions.ts", "lookupInviteeAction");
  const sendCount = LIMITS.invitationsPerAccount + 10;
  {
    await clearRateLimits(db);
    const responses = await Promise.all(
      Array.from({ length: sendCount }, (_, i) => {
        const o = orgs[i % orgs.length]!;
        return inviterClient.call(
          send,
          [
            o.slug,
            {
              idempotencyKey: randomUUID(),
              emails: `spread.${i}.${randomUUID().slice(0, 6)}@example.com`,
              passwordDelivery: "manual",
              options: { locale: "en", personalMessage: "", accessExpiry: "", external: false, privileged: false },
            },
          ],
          { path: pagePath("app/o/[slug]/admin/users/invite/page", { slug: o.slug }) },
        );
      }),
    );
    const created = Number(
      (
        await db
          .select({ n: sql<number>`count(*)::int` })
          .from(invitations)
          .where(and(eq(invitations.invitedByAccountId, inviter.id)))
      )[0]?.n ?? 0,
    );
    trials.push({
      limiter: "invitations per account",
      variant: "one address",
      attempts: sendCount,
      checked: created,
      limit: LIMITS.invitationsPerAccount,
      overLimit: Math.max(0, created - LIMITS.invitationsPerAccount),
      rightSecretAccepted: null,
      unexpected: unexpectedIn(responses),
    });
  }
  {
    await clearRateLimits(db);
    const lookups = LIMITS.lookupsPerAccount + 10;
    const responses = await Promise.all(
      Array.from({ length: lookups }, (_, i) => {
        const o = orgs[i % orgs.length]!;
        return inviterClient.call(lookup, [o.slug, { emails: `lookup.${i}@example.com` }], {
          path: pagePath("app/o/[slug]/admin/users/invite/page", { slug: o.slug }),
        });
      }),
    );
    const answered = responses.filter((r) => resultOf(r)?.ok === true).length;
    trials.push({
      limiter: "lookups per account",
      variant: "one address",
      attempts: lookups,
      checked: answered,
      limit: LIMITS.lookupsPerAccount,
      overLimit: Math.max(0, answered - LIMITS.lookupsPerAccount),
      rightSecretAccepted: null,
      unexpected: unexpectedIn(responses),
    });
  }
  await clearRateLimits(db);

  // "Forgot password?" must not tell by its time whether an address has an account: requests one
  // at a time, alternating which goes first, the limits cleared before each pair so none refuses.
  const timed = { known: [] as number[], unknown: [] as number[] };
  for (let i = 0; i < RESET_TIMING_PAIRS; i++) {
    await clearRateLimits(db);
    const account = await createAccount(db, { name: `Timed ${i}` });
    const pair = [
      ["known", account.email],
      ["unknown", `nobody.${randomUUID().slice(0, 8)}@example.com`],
    ] as const;
    for (const [kind, email] of i % 2 === 0 ? pair : [...pair].reverse()) {
      const started = performance.now();
      await probe.call(forgot, [{ email }], { path: "/forgot-password" });
      timed[kind].push(performance.now() - started);
    }
  }
  await clearRateLimits(db);

  const figures = {
    trials: trials.length,
    overLimit: trials.reduce((n, t) => n + t.overLimit, 0),
    rightSecretAccepted: trials.filter((t) => t.rightSecretAccepted === true).length,
    unexpected: trials.reduce((n, t) => n + t.unexpected, 0),
    resetKnownMedianMs: median(timed.known),
    resetUnknownMedianMs: median(timed.unknown),
  };
  return {
    figures,
    trials,
    goals: [
      ["bruteForce: no limiter checks more than its limit (overLimit = 0)", figures.overLimit === 0],
      ["bruteForce: the right secret is refused once a limit is reached", figures.rightSecretAccepted === 0],
      ["bruteForce: no unexpected error", figures.unexpected === 0],
      ["bruteForce: every limiter let its first attempts through (checked > 0)", trials.every((t) => t.checked > 0)],
    ],
    secrets: [invitation.key, invitation.temporaryPassword],
  };
}
