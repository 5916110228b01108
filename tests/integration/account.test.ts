import { and, eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { accounts, auditEvents, emailOutbox, sessions } from "@/db/schema";
import { changeAccountPassword } from "@/lib/account/password";
import { getAccountProfile, updateAccountPreferences } from "@/lib/account/profile";
import { getCurrentAccount, type CurrentAccount } from "@/lib/auth/current";
import { verifySignInGrant } from "@/lib/auth/grant";
import { startSession } from "@/lib/auth/session";
import { SESSION_COOKIE } from "@/lib/auth/session-token";
import { DomainError } from "@/lib/errors";
import { env } from "@/lib/env";
import { withTestDatabase } from "../support/db";
import { DEFAULT_PASSWORD, createAccount, createOrganizationWithOwner } from "../support/factories";

// As in sessions.test.ts: the session code runs for real; only the cookie jar, the request's
// headers and next-auth's cookie writing are stood in for.
const request = vi.hoisted(() => ({ cookie: undefined as string | undefined }));
const nextAuth = vi.hoisted(() => ({ grants: [] as unknown[] }));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (name === "gatehouse.session" && request.cookie ? { value: request.cookie } : undefined),
  }),
}));
vi.mock("@/lib/auth/request-meta", () => ({
  getRequestMeta: async () => ({ ip: "198.51.100.40", userAgent: "vitest account" }),
}));
vi.mock("@/lib/auth/next-auth", () => ({
  signIn: async (_provider: string, options: { grant: unknown }) => {
    nextAuth.grants.push(options.grant);
  },
  signOut: async () => undefined,
}));

const t = withTestDatabase();
const meta = { ip: "198.51.100.40", userAgent: "vitest account" };
const NEW_PASSWORD = "a brand new passphrase for the account page";

beforeEach(() => {
  request.cookie = undefined;
  nextAuth.grants = [];
});

async function signIn(accountId: string, sessionVersion = 1) {
  await startSession(accountId, sessionVersion);
  const grant = verifySignInGrant(nextAuth.grants.at(-1));
  if (!grant) throw new Error("no grant");
  const cookie = await encode({
    token: { sub: grant.accountId, sv: grant.sessionVersion, sid: grant.sessionId },
    secret: env.AUTH_SECRET,
    salt: SESSION_COOKIE,
  });
  return { grant, cookie };
}

async function accountSignedInWith(cookie: string): Promise<CurrentAccount | null> {
  request.cookie = cookie;
  return getCurrentAccount();
}

async function currentAccount(id: string): Promise<CurrentAccount> {
  const [row] = await t.db().select().from(accounts).where(eq(accounts.id, id));
  if (!row) throw new Error("no account");
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    locale: row.locale,
    timeZone: row.timeZone,
    passwordIsTemporary: row.passwordIsTemporary,
  };
}

async function eventsOf(accountId: string, action: string) {
  return t
    .db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.actorAccountId, accountId), eq(auditEvents.action, action)));
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe("account preferences", () => {
  it("saves the name, language and time zone, audited in each organization with before → after", async () => {
    const { owner, org } = await createOrganizationWithOwner(t.db(), "Prefs", { name: "grace" });
    const saved = await updateAccountPreferences(
      await currentAccount(owner.id),
      { name: "Grace Hopper", locale: "fr", timeZone: "Europe/Paris" },
      meta,
    );
    expect(saved).toEqual({ changed: true, locale: "fr", timeZone: "Europe/Paris" });
    expect(await getAccountProfile(await currentAccount(owner.id))).toMatchObject({
      name: "Grace Hopper",
      email: owner.email,
      locale: "fr",
      timeZone: "Europe/Paris",
    });
    const [event] = await eventsOf(owner.id, "account.updated");
    expect(event).toMatchObject({ organizationId: org.id, actorName: "Grace Hopper", targetId: owner.id });
    expect(event!.details).toEqual({
      changes: {
        name: { from: "grace", to: "Grace Hopper" },
        interfaceLocale: { from: null, to: "fr" },
        timeZone: { from: null, to: "Europe/Paris" },
      },
    });
  });

  it("goes back to the browser's language and zone with empty choices; an unchanged save writes nothing", async () => {
    const account = await createAccount(t.db(), { name: "Ada", locale: "fr", timeZone: "Asia/Tokyo" });
    await updateAccountPreferences(await currentAccount(account.id), { name: "Ada", locale: "", timeZone: "" }, meta);
    expect(await currentAccount(account.id)).toMatchObject({ locale: null, timeZone: null });
    const again = await updateAccountPreferences(
      await currentAccount(account.id),
      { name: "Ada", locale: "", timeZone: "" },
      meta,
    );
    expect(again.changed).toBe(false);
    expect(await eventsOf(account.id, "account.updated")).toHaveLength(1);
  });

  it("the signed-in account carries its zone, which the request's formatting then uses", async () => {
    const account = await createAccount(t.db(), { timeZone: "America/Montreal" });
    const { cookie } = await signIn(account.id);
    expect((await accountSignedInWith(cookie))?.timeZone).toBe("America/Montreal");
  });
});

describe("changing the password on the account page", () => {
  it("refuses a wrong current password and writes nothing", async () => {
    const { owner } = await createOrganizationWithOwner(t.db(), "Wrong current");
    const [before] = await t.db().select().from(accounts).where(eq(accounts.id, owner.id));
    const error = await refusal(
      changeAccountPassword(
        await currentAccount(owner.id),
        { currentPassword: "not the password", newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
        meta,
      ),
    );
    expect(error.code).toBe("account.currentPasswordWrong");
    expect(error.options.field).toBe("currentPassword");
    const [after] = await t.db().select().from(accounts).where(eq(accounts.id, owner.id));
    expect(after!.passwordHash).toBe(before!.passwordHash);
    expect(after!.sessionVersion).toBe(before!.sessionVersion);
    expect(await eventsOf(owner.id, "account.password_changed")).toHaveLength(0);
  });

  it("applies the password policy of the account's organizations", async () => {
    const { owner } = await createOrganizationWithOwner(t.db(), "Policy");
    const account = await currentAccount(owner.id);
    const short = await refusal(
      changeAccountPassword(
        account,
        { currentPassword: DEFAULT_PASSWORD, newPassword: "short", confirmPassword: "short" },
        meta,
      ),
    );
    expect(short.code).toBe("password.tooShort");
    const common = await refusal(
      changeAccountPassword(
        account,
        { currentPassword: DEFAULT_PASSWORD, newPassword: "password1234", confirmPassword: "password1234" },
        meta,
      ),
    );
    expect(common.code).toBe("password.common");
    const same = await refusal(
      changeAccountPassword(
        account,
        { currentPassword: DEFAULT_PASSWORD, newPassword: DEFAULT_PASSWORD, confirmPassword: DEFAULT_PASSWORD },
        meta,
      ),
    );
    expect(same.code).toBe("password.sameAsCurrent");
  });

  it("stops guessing the current password after five wrong attempts", async () => {
    const account = await createAccount(t.db());
    const wrong = { currentPassword: "guess", newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
    for (let i = 0; i < 5; i++) {
      expect((await refusal(changeAccountPassword(await currentAccount(account.id), wrong, meta))).code).toBe(
        "account.currentPasswordWrong",
      );
    }
    const limited = await refusal(
      changeAccountPassword(await currentAccount(account.id), { ...wrong, currentPassword: DEFAULT_PASSWORD }, meta),
    );
    expect(limited.code).toBe("password.tooManyAttempts");
  });

  it("ends the account's other sessions and keeps this browser signed in; audited and emailed in its language", async () => {
    const { owner, org } = await createOrganizationWithOwner(t.db(), "Rotate", { locale: "fr" });
    const bystander = await createOrganizationWithOwner(t.db(), "Bystander");
    const here = await signIn(owner.id);
    const elsewhere = await signIn(owner.id);
    const other = await signIn(bystander.owner.id);
    expect((await accountSignedInWith(here.cookie))?.id).toBe(owner.id);

    const done = await changeAccountPassword(
      await currentAccount(owner.id),
      { currentPassword: DEFAULT_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      meta,
    );
    // What the action does next: this browser continues in a fresh session.
    const continued = await signIn(owner.id, done.sessionVersion);

    expect(await accountSignedInWith(here.cookie)).toBeNull();
    expect(await accountSignedInWith(elsewhere.cookie)).toBeNull();
    expect((await accountSignedInWith(continued.cookie))?.id).toBe(owner.id);
    expect((await accountSignedInWith(other.cookie))?.id).toBe(bystander.owner.id);
    const [revoked] = await t.db().select().from(sessions).where(eq(sessions.id, elsewhere.grant.sessionId));
    expect(revoked!.revokedAt).toBeInstanceOf(Date);

    const [event] = await eventsOf(owner.id, "account.password_changed");
    expect(event).toMatchObject({ organizationId: org.id, targetId: owner.id });
    const mails = await t.db().select().from(emailOutbox).where(eq(emailOutbox.toAddress, owner.email));
    expect(mails.map((m) => [m.template, m.locale])).toEqual([["password-changed", "fr"]]);
  });
});
