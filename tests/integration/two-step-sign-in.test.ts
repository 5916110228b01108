import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { passkeySignInAction, signInAction } from "@/app/sign-in/actions";
import { resetPasswordAction } from "@/app/reset-password/actions";
import { verifySecondStepAction } from "@/app/sign-in/two-step/actions";
import { accounts, emailOutbox, sessions } from "@/db/schema";
import { authenticateWithPassword } from "@/lib/auth/authenticate";
import { requestPasswordReset } from "@/lib/auth/password-reset";
import {
  authenticateWithPasskey,
  completeSecondStep,
  openPendingSignIn,
  SECOND_STEP_LIFETIME_MS,
  SECOND_STEP_LIMITS,
  secondStepAfterPassword,
  sealPendingSignIn,
} from "@/lib/auth/second-step";
import { openSecret } from "@/lib/email/secret-box";
import { DomainError } from "@/lib/errors";
import type { AppLocale } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";
import {
  confirmTotpEnrollment,
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  startTotpEnrollment,
  verifyPasskeyRegistration,
  verifyTotpCode,
} from "@/lib/two-step";
import { TOTP_PERIOD_SECONDS, totpCodeAt, totpStepAt } from "@/lib/two-step/totp";
import { relyingParty } from "@/lib/two-step/webauthn-options";
import { usingPostgres, withTestDatabase } from "../support/db";
import { createAccount, DEFAULT_PASSWORD } from "../support/factories";
import { SoftAuthenticator } from "./two-step-support";

// The actions run for real down to the database; only what needs an HTTP request is stood in
// for: the cookie jar, the request's address, next-auth's cookie writing (which records the
// grants it was handed) and the request's locale. verifyTotpCode is the real one, counted.
const request = vi.hoisted(() => ({
  jar: new Map<string, string>(),
  ip: "198.51.100.60",
  grants: [] as unknown[],
}));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (request.jar.has(name) ? { value: request.jar.get(name) } : undefined),
    set: (name: string, value: string, options: { maxAge?: number } = {}) => {
      if (options.maxAge === 0) request.jar.delete(name);
      else request.jar.set(name, value);
    },
  }),
}));
vi.mock("@/lib/auth/request-meta", () => ({
  getRequestMeta: async () => ({ ip: request.ip, userAgent: "vitest second step" }),
}));
vi.mock("@/lib/auth/next-auth", () => ({
  signIn: async (_provider: string, options: { grant: unknown }) => {
    request.grants.push(options.grant);
  },
  signOut: async () => undefined,
}));
vi.mock("next-intl/server", async () => {
  const { createTranslator } = await import("next-intl");
  return { getTranslations: async () => createTranslator({ locale: "en", messages: loadMessages("en" as AppLocale) }) };
});
vi.mock("@/lib/two-step", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/two-step")>();
  return { ...real, verifyTotpCode: vi.fn(real.verifyTotpCode) };
});

const t = withTestDatabase();
const meta = () => ({ ip: request.ip, userAgent: "vitest second step" });

beforeEach(() => {
  request.jar.clear();
  request.ip = "198.51.100.60";
  request.grants = [];
  vi.mocked(verifyTotpCode).mockClear();
});

/**
 * An account with a password and an authenticator app, enrolled with the previous step's code so
 * that the current and next steps are still unused; returns the secret and the recovery codes.
 */
async function accountWithAuthenticator() {
  const row = await createAccount(t.db());
  const account = { id: row.id, email: row.email, name: row.name, locale: row.locale };
  const started = await startTotpEnrollment(account, "Phone");
  const secret = decodeBase32IgnorePadding(started.secret.replace(/ /g, ""));
  // Close to the end of a time step, wait for the next one: the codes below must stay in the window.
  const period = TOTP_PERIOD_SECONDS * 1000;
  const left = period - (Date.now() % period);
  if (left < 8_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
  const step = totpStepAt();
  const confirmed = await confirmTotpEnrollment(
    account,
    { factorId: started.factorId, code: totpCodeAt(secret, step - 1) },
    meta(),
  );
  const code = (offset: number) => totpCodeAt(secret, step + offset);
  return { account, code, recoveryCodes: confirmed.recoveryCodes ?? [] };
}

async function passwordStep(email: string, returnTo = "/o/acme") {
  const done = await authenticateWithPassword({ email, password: DEFAULT_PASSWORD }, meta());
  return secondStepAfterPassword(done, returnTo);
}

async function sessionCount(accountId: string) {
  const rows = await t.db().select({ id: sessions.id }).from(sessions).where(eq(sessions.accountId, accountId));
  return rows.length;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.code;
}

/** Where an action redirected to; fails on a returned result (a refusal) or any other error. */
async function redirectOf(promise: Promise<unknown>): Promise<string> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ("value" in outcome) throw new Error(`expected a redirect, got ${JSON.stringify(outcome.value)}`);
  const digest = (outcome.error as { digest?: unknown }).digest;
  if (typeof digest !== "string" || !digest.startsWith("NEXT_REDIRECT")) throw outcome.error;
  return digest.split(";")[2]!;
}

describe("sign-in with a second step (actions)", () => {
  it("a correct password starts no session for an account with a factor; the correct code then does", async () => {
    const { account, code } = await accountWithAuthenticator();
    const to = await redirectOf(
      signInAction({ email: account.email, password: DEFAULT_PASSWORD, callbackUrl: "/account/security" }),
    );
    expect(to).toBe("/sign-in/two-step");
    expect(await sessionCount(account.id)).toBe(0);
    expect(request.grants).toHaveLength(0);
    expect(request.jar.get("gatehouse.second-step")).toEqual(expect.any(String));

    const wrong = await verifySecondStepAction({ method: "totp", code: code(0) === "000000" ? "111111" : "000000" });
    expect(wrong).toMatchObject({ ok: false, code: "auth.secondStepCodeInvalid" });
    expect(await sessionCount(account.id)).toBe(0);

    expect(await redirectOf(verifySecondStepAction({ method: "totp", code: code(0) }))).toBe("/account/security");
    expect(await sessionCount(account.id)).toBe(1);
    expect(request.grants).toHaveLength(1);
    expect(request.jar.has("gatehouse.second-step")).toBe(false);
  });

  it("an account without a factor is signed in by its password alone (control)", async () => {
    const row = await createAccount(t.db());
    expect(await redirectOf(signInAction({ email: row.email, password: DEFAULT_PASSWORD }))).toBe("/");
    expect(await sessionCount(row.id)).toBe(1);
    expect(request.jar.has("gatehouse.second-step")).toBe(false);
  });

  it("without a second-step state, a code does nothing", async () => {
    const { account, code } = await accountWithAuthenticator();
    expect(await verifySecondStepAction({ method: "totp", code: code(0) })).toMatchObject({
      ok: false,
      code: "auth.secondStepExpired",
    });
    expect(await sessionCount(account.id)).toBe(0);
  });
});

describe("a password reset by email", () => {
  /** Resets the password through the emailed link, as its page would. */
  async function resetThroughEmail(email: string) {
    await requestPasswordReset({ email }, meta(), "en");
    const [mail] = await t
      .db()
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.template, "password-reset"), eq(emailOutbox.toAddress, email)));
    const { key } = JSON.parse(openSecret(mail!.secretCiphertext!)) as { key: string };
    const resetId = (mail!.payload as { resetId: string }).resetId;
    const password = "a new password after the reset";
    return redirectOf(resetPasswordAction({ resetId, key, newPassword: password, confirmPassword: password }));
  }

  it("still asks for the second step of an account with a factor, and starts no session before it", async () => {
    const { account, code } = await accountWithAuthenticator();
    expect(await resetThroughEmail(account.email)).toBe("/sign-in/two-step");
    expect(await sessionCount(account.id)).toBe(0);
    expect(await redirectOf(verifySecondStepAction({ method: "totp", code: code(0) }))).toBe("/");
    expect(await sessionCount(account.id)).toBe(1);
  });

  it("signs an account without a factor straight in (control)", async () => {
    const row = await createAccount(t.db());
    expect(await resetThroughEmail(row.email)).toBe("/");
    expect(await sessionCount(row.id)).toBe(1);
  });
});

describe("the second-step state", () => {
  it("is refused when replayed after its success, even with a new valid code", async () => {
    const { account, code } = await accountWithAuthenticator();
    const state = await passwordStep(account.email);
    expect(await completeSecondStep(state!, { method: "totp", code: code(0) }, meta())).toEqual({
      accountId: account.id,
      sessionVersion: 1,
      returnTo: "/o/acme",
    });
    expect(await refusal(completeSecondStep(state!, { method: "totp", code: code(1) }, meta()))).toBe(
      "auth.secondStepExpired",
    );
    // The replay did not spend the next code: a fresh password step can still use it.
    const fresh = await passwordStep(account.email);
    expect((await completeSecondStep(fresh!, { method: "totp", code: code(1) }, meta())).accountId).toBe(account.id);
  });

  it("refuses a replayed authenticator code with a fresh state", async () => {
    const { account, code } = await accountWithAuthenticator();
    await completeSecondStep((await passwordStep(account.email))!, { method: "totp", code: code(0) }, meta());
    expect(
      await refusal(
        completeSecondStep((await passwordStep(account.email))!, { method: "totp", code: code(0) }, meta()),
      ),
    ).toBe("auth.secondStepCodeInvalid");
  });

  it("accepts a recovery code once", async () => {
    const { account, recoveryCodes } = await accountWithAuthenticator();
    const recovery = recoveryCodes[3]!;
    const first = await completeSecondStep(
      (await passwordStep(account.email))!,
      { method: "recovery", code: recovery },
      meta(),
    );
    expect(first.accountId).toBe(account.id);
    expect(
      await refusal(
        completeSecondStep((await passwordStep(account.email))!, { method: "recovery", code: recovery }, meta()),
      ),
    ).toBe("auth.secondStepCodeInvalid");
    // Another unused code still works (control).
    const other = await completeSecondStep(
      (await passwordStep(account.email))!,
      { method: "recovery", code: recoveryCodes[4]! },
      meta(),
    );
    expect(other.accountId).toBe(account.id);
  });

  it("is refused when forged, expired, or older than a password change", async () => {
    const { account, code } = await accountWithAuthenticator();
    const done = { accountId: account.id, sessionVersion: 1, passwordIsTemporary: false };
    const state = sealPendingSignIn(done, "/o/acme");
    expect(openPendingSignIn(state)).toMatchObject({ accountId: account.id, returnTo: "/o/acme" });
    expect(openPendingSignIn(state, Date.now() + SECOND_STEP_LIFETIME_MS + 1)).toBeNull();
    const [v, iv, tag, data] = state.split(".");
    // A character in the middle: all six of its bits are data (the last one's may be padding).
    const at = Math.floor(data!.length / 2);
    const flipped = `${data!.slice(0, at)}${data![at] === "A" ? "B" : "A"}${data!.slice(at + 1)}`;
    expect(openPendingSignIn([v, iv, tag, flipped].join("."))).toBeNull();
    expect(await refusal(completeSecondStep("v1.a.b.c", { method: "totp", code: code(0) }, meta()))).toBe(
      "auth.secondStepExpired",
    );

    await t
      .db()
      .update(accounts)
      .set({ sessionVersion: sql`${accounts.sessionVersion} + 1` })
      .where(eq(accounts.id, account.id));
    expect(await refusal(completeSecondStep(state, { method: "totp", code: code(0) }, meta()))).toBe(
      "auth.secondStepExpired",
    );
    expect(verifyTotpCode).not.toHaveBeenCalled();
  });

  it("keeps only a same-origin return target", async () => {
    const state = sealPendingSignIn(
      { accountId: "00000000-0000-4000-8000-000000000000", sessionVersion: 1, passwordIsTemporary: false },
      "https://evil.example/o/x",
    );
    expect(openPendingSignIn(state)?.returnTo).toBe("/");
  });

  it("counts attempts first: after the limit from one address even the right code is refused, unchecked", async () => {
    const { account, code } = await accountWithAuthenticator();
    const state = await passwordStep(account.email);
    const wrong = code(0) === "000000" ? "111111" : "000000";
    for (let i = 0; i < SECOND_STEP_LIMITS.perAccountAndIp.limit; i++) {
      expect(await refusal(completeSecondStep(state!, { method: "totp", code: wrong }, meta()))).toBe(
        "auth.secondStepCodeInvalid",
      );
    }
    vi.mocked(verifyTotpCode).mockClear();
    expect(await refusal(completeSecondStep(state!, { method: "totp", code: code(0) }, meta()))).toBe(
      "auth.secondStepRateLimited",
    );
    expect(verifyTotpCode).not.toHaveBeenCalled();
    // From another address the owner still gets in (control).
    request.ip = "198.51.100.61";
    expect((await completeSecondStep(state!, { method: "totp", code: code(0) }, meta())).accountId).toBe(account.id);
  });
});

describe("passkeys at sign-in", () => {
  async function accountWithPasskey() {
    const row = await createAccount(t.db());
    const account = { id: row.id, email: row.email, name: row.name, locale: row.locale };
    const authenticator = new SoftAuthenticator();
    const { options, state } = await passkeyRegistrationOptions(account);
    const response = authenticator.register(options, relyingParty().origin);
    await verifyPasskeyRegistration(account, { response, state, name: "Laptop" }, meta());
    return { account, authenticator };
  }

  it("a passkey is a second step for its own account only", async () => {
    const { account, authenticator } = await accountWithPasskey();
    const other = await accountWithAuthenticator();
    const stateOfOther = await passwordStep(other.account.email);
    const ceremony = await passkeyAuthenticationOptions(other.account.id);
    const response = authenticator.authenticate(ceremony.options, relyingParty().origin);
    expect(
      await refusal(completeSecondStep(stateOfOther!, { method: "passkey", response, state: ceremony.state }, meta())),
    ).toBe("auth.secondStepCodeInvalid");

    const state = await passwordStep(account.email);
    expect(state).not.toBeNull();
    const own = await passkeyAuthenticationOptions(account.id);
    const ownResponse = authenticator.authenticate(own.options, relyingParty().origin);
    const done = await completeSecondStep(
      state!,
      { method: "passkey", response: ownResponse, state: own.state },
      meta(),
    );
    expect(done.accountId).toBe(account.id);
  });

  it("Sign in with a passkey: the passkey alone starts a session; a replayed assertion does not", async () => {
    const { account, authenticator } = await accountWithPasskey();
    const ceremony = await passkeyAuthenticationOptions(null);
    const response = authenticator.authenticate(ceremony.options, relyingParty().origin);
    const to = await redirectOf(passkeySignInAction({ response, state: ceremony.state, callbackUrl: "/account" }));
    expect(to).toBe("/account");
    expect(await sessionCount(account.id)).toBe(1);
    expect(await refusal(authenticateWithPasskey(response, ceremony.state, meta()))).toBe("auth.passkeySignInFailed");
    expect(await sessionCount(account.id)).toBe(1);
  });
});

describe.runIf(usingPostgres)("many wrong codes at once (PostgreSQL)", () => {
  it("40 parallel wrong codes from one address: at most the limit are checked", async () => {
    const { account, code } = await accountWithAuthenticator();
    const state = await passwordStep(account.email);
    vi.mocked(verifyTotpCode).mockClear();
    const wrong = code(0) === "000000" ? "111111" : "000000";
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => completeSecondStep(state!, { method: "totp", code: wrong }, meta())),
    );
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as DomainError).code : "accepted"));
    expect(codes.filter((c) => c === "auth.secondStepCodeInvalid")).toHaveLength(
      SECOND_STEP_LIMITS.perAccountAndIp.limit,
    );
    expect(codes.filter((c) => c === "auth.secondStepRateLimited")).toHaveLength(
      40 - SECOND_STEP_LIMITS.perAccountAndIp.limit,
    );
    expect(vi.mocked(verifyTotpCode).mock.calls.length).toBeLessThanOrEqual(SECOND_STEP_LIMITS.perAccountAndIp.limit);
  });
});
