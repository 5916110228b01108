import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { accounts, invitations, organizationSettings, twoStepFactors } from "@/db/schema";
import { hashKey, generateKey } from "@/lib/security/tokens";
import { SoftAuthenticator } from "../integration/two-step-support";
import { ActionClient, pagePath, type ActionInfo, type ActionResponse } from "../support/action-client";
import { addMember, createAccount, createOrganization, DEFAULT_PASSWORD } from "../support/factories";
import type { StandIn } from "../support/resend-stand-in";
import { clientFor, enrollAuthenticator, signInPending, startAuthenticator, totpCode, type World } from "./identities";
import { clearRateLimits, inviteManually, linkMailedTo, resultOf, type ManualInvitation } from "./links";
import { actionKey } from "./matrix";
import { routeSamples, type RouteInput } from "./routes";
import { samples } from "./samples";
import { twoStepSecretForms } from "./secrets";

export type PositiveControl = { name: string; ok: boolean; detail: string };

type Input = {
  db: Database;
  world: World;
  standIn: StandIn;
  baseUrl: string;
  actions: ActionInfo[];
  admin: ActionClient;
  routes: string[];
  routeInput: RouteInput;
};

/** Actions that cannot succeed on a deployment that is already set up, and why. */
export const noPositiveControl: Record<string, string> = {
  "app/setup/actions.ts#setupAction": "first run only: once an organization exists it refuses everyone by design",
};

const NEW_PASSWORDS = { newPassword: "a brand new passphrase", confirmPassword: "a brand new passphrase" };

/** A success: an ok result that is not a per-address refusal, or a redirect somewhere other than sign-in. */
function succeeded(key: string, response: ActionResponse): boolean {
  if (response.status >= 400) return false;
  if (response.redirect)
    return (
      !/^\/(sign-in|change-password)/.test(response.redirect) ||
      /#(signOut(Everywhere)?Action|cancelSecondStepAction)$/.test(key)
    );
  const result = resultOf(response);
  if (samples[key]?.isValidationResult?.(response.result)) return false;
  if (/#signOut\w*Action$/.test(key)) return response.status === 200 && result?.code === undefined;
  return result?.ok === true;
}

/** An invitation into `organizationId` for an existing account, with its key, written to the database. */
async function seedInvitation(
  db: Database,
  organizationId: string,
  invitedBy: string,
  account: { id: string; email: string },
) {
  const membership = await addMember(db, organizationId, account.id, { role: "administrator", status: "invited" });
  const key = generateKey();
  const [row] = await db
    .insert(invitations)
    .values({
      organizationId,
      accountId: account.id,
      membershipId: membership.id,
      email: account.email,
      emailNormalized: account.email.toLowerCase(),
      role: "administrator",
      invitedByAccountId: invitedBy,
      keyHash: hashKey(key),
      expiresAt: new Date(Date.now() + 7 * 86_400_000),
      locale: "en",
      passwordDelivery: "none",
    })
    .returning();
  return { invitationId: row!.id, key };
}

/**
 * The other half of the matrix: every action and every route, run once by someone allowed to
 * (the administrator of the target organization, or for the public and account-level ones the
 * person they are for) with its sample input, must succeed. Without this, a matrix whose
 * requests are malformed would pass whoever called.
 */
export async function runPositiveControls(
  input: Input,
): Promise<{ controls: PositiveControl[]; secrets: string[]; unmailedSecrets: string[] }> {
  const { db, world, standIn, baseUrl, actions, admin } = input;
  await clearRateLimits(db);
  const controls: PositiveControl[] = [];
  const secrets: string[] = [];
  /** Authenticator secrets and recovery codes: no email may carry them. */
  const unmailedSecrets: string[] = [];
  const adminLogin = world.accounts.admin!;
  const anonymous = () => new ActionClient(baseUrl, actions);
  const slug = world.target.org.slug;
  const [settingsBefore] = await db
    .select()
    .from(organizationSettings)
    .where(eq(organizationSettings.organizationId, world.target.org.id));

  const manual = async (label: string): Promise<ManualInvitation> => {
    const invitation = await inviteManually(
      admin,
      standIn,
      slug,
      `positive.${label}.${randomUUID().slice(0, 8)}@example.com`,
    );
    secrets.push(invitation.key, invitation.temporaryPassword);
    return invitation;
  };
  const toOpen = await manual("open");
  const toComplete = await manual("complete");
  const toChange = await manual("change");
  const toAccept = await seedInvitation(db, world.other.org.id, world.other.owner.id, world.target.owner);
  const decliner = await createAccount(db, { name: "Dora Decliner" });
  const toDecline = await seedInvitation(db, world.other.org.id, world.other.owner.id, decliner);

  // Signing out (everywhere) as the administrator would end the sessions later phases use.
  const throwaway = async () =>
    clientFor(baseUrl, actions, {
      email: (await createAccount(db, { name: "Sam Signout" })).email,
      password: DEFAULT_PASSWORD,
    });

  /** A new account, signed in with a session. */
  const freshAccount = async (name: string) => {
    const login = { email: (await createAccount(db, { name })).email, password: DEFAULT_PASSWORD };
    return { login, client: await clientFor(baseUrl, actions, login) };
  };
  /** A new account with an authenticator app enrolled through the product, signed in, and its factor's id. */
  const enrolledAccount = async (name: string) => {
    const { login, client } = await freshAccount(name);
    const enrolled = await enrollAuthenticator(client);
    unmailedSecrets.push(...twoStepSecretForms(enrolled));
    const [factor] = await db
      .select({ id: twoStepFactors.id })
      .from(twoStepFactors)
      .innerJoin(accounts, eq(accounts.id, twoStepFactors.accountId))
      .where(eq(accounts.email, login.email));
    return { login, client, enrolled, factorId: factor!.id };
  };
  /** An organization the administrator owns: renaming, moving or deleting the target would end the later phases. */
  const ownOrganization = async (name: string) => {
    const org = await createOrganization(db, name);
    await addMember(db, org.id, world.target.owner.id, { isOwner: true });
    return org;
  };
  const orgCall = async (key: string, name: string, input: (org: { name: string; slug: string }) => unknown) => {
    const org = await ownOrganization(name);
    const page = actions.find((a) => actionKey(a) === key)?.pages[0] ?? "app/page";
    return { client: admin, args: [org.slug, input(org)], path: pagePath(page, { slug: org.slug }) };
  };
  const ORIGIN = new URL(baseUrl).origin;
  /** A new account with a passkey registered through the product (a software authenticator answers the ceremony). */
  const passkeyAccount = async (name: string) => {
    const { login, client } = await freshAccount(name);
    const authenticator = new SoftAuthenticator();
    const options = client.find("app/two-step/setup/actions.ts", "passkeyOptionsAction");
    const ceremony = resultOf(await client.call(options, [], { path: "/two-step/setup" }))?.data as {
      options: Parameters<SoftAuthenticator["register"]>[0];
      state: string;
    };
    return { login, client, authenticator, ceremony };
  };

  /** Per action: who calls, with what. Org and account actions default to the administrator and the sample. */
  type Call = { client: ActionClient; args: unknown[]; path?: string };
  const special: Record<string, () => Promise<Call>> = {
    "app/sign-in/actions.ts#signInAction": async () => ({ client: anonymous(), args: [adminLogin], path: "/sign-in" }),
    "app/sign-in/actions.ts#signOutAction": async () => ({ client: await throwaway(), args: [], path: "/" }),
    "app/sign-in/actions.ts#signOutEverywhereAction": async () => ({ client: await throwaway(), args: [], path: "/" }),
    "app/invite/actions.ts#signOutToSwitchAction": async () => ({
      client: await clientFor(baseUrl, actions, adminLogin),
      args: [],
      path: `/invite/${toOpen.invitationId}`,
    }),
    "app/invite/actions.ts#signInToAcceptAction": async () => ({
      client: anonymous(),
      args: [adminLogin],
      path: `/invite/${toAccept.invitationId}`,
    }),
    "app/invite/actions.ts#openInvitationAction": async () => ({
      client: anonymous(),
      args: [{ invitationId: toOpen.invitationId, key: toOpen.key }],
      path: "/invite",
    }),
    "app/invite/actions.ts#verifyTemporaryPasswordAction": async () => ({
      client: anonymous(),
      args: [{ invitationId: toOpen.invitationId, key: toOpen.key, temporaryPassword: toOpen.temporaryPassword }],
      path: `/invite/${toOpen.invitationId}`,
    }),
    "app/invite/actions.ts#completeNewAccountAction": async () => ({
      client: anonymous(),
      args: [
        {
          invitationId: toComplete.invitationId,
          key: toComplete.key,
          temporaryPassword: toComplete.temporaryPassword,
          ...NEW_PASSWORDS,
        },
      ],
      path: `/invite/${toComplete.invitationId}`,
    }),
    "app/invite/actions.ts#acceptInvitationAction": async () => ({
      client: admin,
      args: [toAccept],
      path: `/invite/${toAccept.invitationId}`,
    }),
    "app/invite/actions.ts#declineInvitationAction": async () => ({
      client: await clientFor(baseUrl, actions, { email: decliner.email, password: DEFAULT_PASSWORD }),
      args: [toDecline],
      path: `/invite/${toDecline.invitationId}`,
    }),
    "app/change-password/actions.ts#changePasswordAction": async () => ({
      // The page is for an account still on its temporary password.
      client: await clientFor(baseUrl, actions, { email: toChange.email, password: toChange.temporaryPassword }),
      args: [NEW_PASSWORDS],
      path: "/change-password",
    }),
    "app/o/[slug]/admin/settings/organization/actions.ts#renameOrganizationAction": () =>
      orgCall("app/o/[slug]/admin/settings/organization/actions.ts#renameOrganizationAction", "Rename Corp", () => ({
        name: "Renamed Corp",
      })),
    "app/o/[slug]/admin/settings/organization/actions.ts#changeOrganizationSlugAction": () =>
      orgCall("app/o/[slug]/admin/settings/organization/actions.ts#changeOrganizationSlugAction", "Move Corp", () => ({
        slug: `moved-${randomUUID().slice(0, 8)}`,
      })),
    "app/o/[slug]/admin/settings/organization/actions.ts#deleteOrganizationAction": () =>
      orgCall("app/o/[slug]/admin/settings/organization/actions.ts#deleteOrganizationAction", "Delete Corp", (org) => ({
        confirmName: org.name,
      })),
    // Account actions change the caller's own account: a new one, so the administrator's stays as it is.
    "app/account/actions.ts#updateAccountPreferencesAction": async () => ({
      client: (await freshAccount("Pia Preferences")).client,
      args: [{ name: "Pia Preferred", locale: "fr", timeZone: "Europe/Paris" }],
      path: "/account",
    }),
    "app/account/actions.ts#changeAccountPasswordAction": async () => ({
      client: (await freshAccount("Cal Change")).client,
      args: [{ currentPassword: DEFAULT_PASSWORD, ...NEW_PASSWORDS }],
      path: "/account",
    }),
    "app/two-step/setup/actions.ts#startTotpAction": async () => ({
      client: (await freshAccount("Stan Start")).client,
      args: [],
      path: "/two-step/setup",
    }),
    "app/two-step/setup/actions.ts#confirmTotpAction": async () => {
      // The start is the product's; the code is computed here from the secret it showed.
      const { client } = await freshAccount("Cora Confirm");
      const started = await startAuthenticator(client);
      unmailedSecrets.push(...twoStepSecretForms({ ...started, recoveryCodes: [] }));
      return {
        client,
        args: [{ factorId: started.factorId, code: totpCode(started.secret) }],
        path: "/two-step/setup",
      };
    },
    "app/two-step/setup/actions.ts#passkeyOptionsAction": async () => ({
      client: (await freshAccount("Otto Options")).client,
      args: [],
      path: "/two-step/setup",
    }),
    "app/two-step/setup/actions.ts#registerPasskeyAction": async () => {
      const { client, authenticator, ceremony } = await passkeyAccount("Reg Register");
      return {
        client,
        args: [{ response: authenticator.register(ceremony.options, ORIGIN), state: ceremony.state, name: "Key" }],
        path: "/two-step/setup",
      };
    },
    "app/account/security/actions.ts#renameFactorAction": async () => {
      const { client, factorId } = await enrolledAccount("Rena Rename");
      return { client, args: [{ factorId, name: "Work phone" }], path: "/account/security" };
    },
    "app/account/security/actions.ts#removeFactorAction": async () => {
      const { client, factorId } = await enrolledAccount("Remy Remove");
      return { client, args: [{ factorId }], path: "/account/security" };
    },
    "app/account/security/actions.ts#regenerateRecoveryCodesAction": async () => ({
      client: (await enrolledAccount("Reggie Regenerate")).client,
      args: [],
      path: "/account/security",
    }),
    "app/sign-in/actions.ts#passkeySignInOptionsAction": async () => ({
      client: anonymous(),
      args: [],
      path: "/sign-in",
    }),
    "app/sign-in/actions.ts#passkeySignInAction": async () => {
      const { client, authenticator, ceremony } = await passkeyAccount("Pat Passkey");
      const register = client.find("app/two-step/setup/actions.ts", "registerPasskeyAction");
      const registered = resultOf(
        await client.call(
          register,
          [{ response: authenticator.register(ceremony.options, ORIGIN), state: ceremony.state }],
          {
            path: "/two-step/setup",
          },
        ),
      );
      if (!registered?.ok) throw new Error(`passkey registration failed: ${JSON.stringify(registered)}`);
      const browser = anonymous();
      const optionsAction = browser.find("app/sign-in/actions.ts", "passkeySignInOptionsAction");
      const signIn = resultOf(await browser.call(optionsAction, [], { path: "/sign-in" }))?.data as {
        options: Parameters<SoftAuthenticator["authenticate"]>[0];
        state: string;
      };
      return {
        client: browser,
        args: [{ response: authenticator.authenticate(signIn.options, ORIGIN), state: signIn.state, callbackUrl: "/" }],
        path: "/sign-in",
      };
    },
    "app/sign-in/two-step/actions.ts#verifySecondStepAction": async () => {
      const { login, enrolled } = await enrolledAccount("Vera Verify");
      return {
        client: await signInPending(baseUrl, actions, login),
        args: [{ method: "recovery", code: enrolled.recoveryCodes[0] }],
        path: "/sign-in/two-step",
      };
    },
    "app/sign-in/two-step/actions.ts#secondStepPasskeyOptionsAction": async () => ({
      client: await signInPending(baseUrl, actions, (await enrolledAccount("Opal Options")).login),
      args: [],
      path: "/sign-in/two-step",
    }),
    "app/sign-in/two-step/actions.ts#cancelSecondStepAction": async () => ({
      client: await signInPending(baseUrl, actions, (await enrolledAccount("Cass Cancel")).login),
      args: [],
      path: "/sign-in/two-step",
    }),
    "app/forgot-password/actions.ts#forgotPasswordAction": async () => ({
      client: anonymous(),
      args: [{ email: adminLogin.email }],
      path: "/forgot-password",
    }),
    "app/reset-password/actions.ts#resetPasswordAction": async () => {
      const account = await createAccount(db, { name: "Rita Reset" });
      const startedAt = Date.now() - 1_000;
      const forgot = admin.find("app/forgot-password/actions.ts", "forgotPasswordAction");
      await anonymous().call(forgot, [{ email: account.email }], { path: "/forgot-password" });
      const link = await linkMailedTo(standIn, account.email, "reset-password", startedAt);
      secrets.push(link.key);
      return {
        client: anonymous(),
        args: [{ resetId: link.id, key: link.key, ...NEW_PASSWORDS }],
        path: `/reset-password/${link.id}`,
      };
    },
  };
  // Some sample inputs consume what another needs: the re-invite preview and the re-invite before
  // cancel, promote before remove.
  const first = ["#previewReinviteAction", "#reinviteAction", "#updateMemberAction"];
  const rank = (action: ActionInfo) => (first.some((f) => actionKey(action).endsWith(f)) ? 0 : 1);
  const ordered = [...actions].sort((a, b) => rank(a) - rank(b));

  for (const action of ordered) {
    const key = actionKey(action);
    const sample = samples[key];
    if (!sample || key in noPositiveControl) continue;
    let call: Call;
    if (special[key]) call = await special[key]();
    else if (sample.kind === "public") {
      controls.push({
        name: key,
        ok: false,
        detail: "public action without a positive control in tests/reliability/positive.ts",
      });
      continue;
    } else
      call = {
        client: admin,
        args: sample.args(world),
        path: pagePath(action.pages[0] ?? "app/page", { slug }),
      };
    await clearRateLimits(db);
    const response = await call.client.call(action, call.args, { path: call.path });
    const ok = succeeded(key, response);
    controls.push({
      name: key,
      ok,
      detail: ok
        ? ""
        : `status ${response.status}, result ${JSON.stringify(response.result)?.slice(0, 200)}, redirect ${response.redirect}`,
    });
  }

  for (const route of input.routes) {
    const sample = routeSamples[route];
    if (!sample) continue;
    for (const [method, build] of Object.entries(sample.served)) {
      const request = build(input.routeInput);
      const url = baseUrl + route.replace("[slug]", slug) + (request.query ?? "");
      const response = await fetch(url, {
        method,
        redirect: "manual",
        headers: {
          cookie: admin.cookieHeader(),
          origin: baseUrl,
          ...(request.contentType ? { "content-type": request.contentType } : {}),
        },
        body: request.body,
      });
      const body = Buffer.from(await response.arrayBuffer());
      const ok = response.status === 200 && (!sample.expect || sample.expect(response.headers, body));
      controls.push({
        name: `${method} ${route}`,
        ok,
        detail: ok
          ? ""
          : `status ${response.status} ${response.headers.get("content-type")} ${body.toString("utf8", 0, 120)}`,
      });
    }
  }

  // The settings sample changed the delivery policy and the rules: later phases expect the defaults.
  if (settingsBefore) {
    const { organizationId, ...rest } = settingsBefore;
    await db.update(organizationSettings).set(rest).where(eq(organizationSettings.organizationId, organizationId));
  }
  await clearRateLimits(db);
  return { controls, secrets, unmailedSecrets };
}
