import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, emailOutbox, recoveryCodes, sessions, twoStepFactors } from "@/db/schema";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import {
  confirmTotpEnrollment,
  hasTwoStep,
  listFactors,
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  recoveryCodeStatus,
  redeemRecoveryCode,
  regenerateRecoveryCodes,
  removeFactor,
  renameFactor,
  resetFactors,
  startTotpEnrollment,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
  verifyTotpCode,
} from "@/lib/two-step";
import { totpCodeAt, totpStepAt } from "@/lib/two-step/totp";
import { relyingParty } from "@/lib/two-step/webauthn-options";
import { usingPostgres, withTestDatabase } from "../support/db";
import { actorFor, addMember, createAccount, createOrganizationWithOwner, createSession } from "../support/factories";
import { SoftAuthenticator } from "./two-step-support";

const t = withTestDatabase();
const meta = { ip: "203.0.113.9", userAgent: "vitest two-step" };

async function newAccount() {
  const row = await createAccount(t.db());
  return { id: row.id, email: row.email, name: row.name, locale: row.locale };
}

type Account = Awaited<ReturnType<typeof newAccount>>;

/** Enrolls an authenticator app with a code computed like an app would; returns its secret. */
async function enrollTotp(account: Account) {
  const started = await startTotpEnrollment(account, "Phone");
  const secret = decodeBase32IgnorePadding(started.secret.replace(/ /g, ""));
  const step = totpStepAt();
  const confirmed = await confirmTotpEnrollment(
    account,
    { factorId: started.factorId, code: totpCodeAt(secret, step) },
    meta,
  );
  return { ...confirmed, secret, step, factorId: started.factorId };
}

async function registerPasskey(account: Account, authenticator = new SoftAuthenticator(), name = "Laptop") {
  const { options, state } = await passkeyRegistrationOptions(account);
  const response = authenticator.register(options, relyingParty().origin);
  return { ...(await verifyPasskeyRegistration(account, { response, state, name }, meta)), authenticator, options };
}

async function eventsOf(accountId: string, action: string) {
  return t
    .db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.actorAccountId, accountId), eq(auditEvents.action, action)));
}

async function noticesTo(email: string) {
  const rows = await t.db().select().from(emailOutbox).where(eq(emailOutbox.toAddress, email));
  return rows.filter((r) => r.template === "two-step-changed").map((r) => (r.payload as { change: string }).change);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.code;
}

describe("enrolling an authenticator app", () => {
  it("keeps the secret sealed and counts the factor only once confirmed with a first code", async () => {
    const account = await newAccount();
    const started = await startTotpEnrollment(account, "Phone");
    expect(started.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const [row] = await t.db().select().from(twoStepFactors).where(eq(twoStepFactors.id, started.factorId));
    expect(row?.confirmedAt).toBeNull();
    expect(row?.totpSecretCiphertext).toMatch(/^v1\./);
    const secretBase64 = Buffer.from(decodeBase32IgnorePadding(started.secret.replace(/ /g, ""))).toString("base64");
    expect(row?.totpSecretCiphertext).not.toContain(secretBase64);
    expect(JSON.stringify(row)).not.toContain(started.secret.replace(/ /g, ""));
    expect(await hasTwoStep(account.id)).toBe(false);
    expect(await listFactors(account)).toEqual([]);

    expect(await refusal(confirmTotpEnrollment(account, { factorId: started.factorId, code: "000000" }, meta))).toBe(
      "two-step.codeInvalid",
    );
    expect(await hasTwoStep(account.id)).toBe(false);
  });

  it("confirms with a valid code: the factor counts, ten recovery codes are shown once and stored hashed, audited and emailed", async () => {
    const account = await newAccount();
    const { recoveryCodes: codes, factor } = await enrollTotp(account);
    expect(await hasTwoStep(account.id)).toBe(true);
    expect((await listFactors(account)).map((f) => [f.kind, f.name])).toEqual([["totp", "Phone"]]);
    expect(factor.kind).toBe("totp");
    expect(codes).toHaveLength(10);
    const stored = await t.db().select().from(recoveryCodes).where(eq(recoveryCodes.accountId, account.id));
    expect(stored).toHaveLength(10);
    for (const code of codes!) expect(JSON.stringify(stored)).not.toContain(code.replace("-", ""));
    expect(await recoveryCodeStatus(account)).toEqual({ remaining: 10, total: 10 });
    expect(await eventsOf(account.id, "account.two_step_added")).toHaveLength(1);
    expect(await noticesTo(account.email)).toEqual(["authenticator-added"]);
  });

  it("gives recovery codes with the first factor only, and keeps one pending start at a time", async () => {
    const account = await newAccount();
    await enrollTotp(account);
    const first = await startTotpEnrollment(account, "Tablet");
    const second = await startTotpEnrollment(account, "Tablet");
    const pending = await t
      .db()
      .select({ id: twoStepFactors.id })
      .from(twoStepFactors)
      .where(and(eq(twoStepFactors.accountId, account.id), isNull(twoStepFactors.confirmedAt)));
    expect(pending.map((p) => p.id)).toEqual([second.factorId]);
    expect(await refusal(confirmTotpEnrollment(account, { factorId: first.factorId, code: "123456" }, meta))).toBe(
      "two-step.enrollmentExpired",
    );
    const secret = decodeBase32IgnorePadding(second.secret.replace(/ /g, ""));
    const done = await confirmTotpEnrollment(
      account,
      { factorId: second.factorId, code: totpCodeAt(secret, totpStepAt()) },
      meta,
    );
    expect(done.recoveryCodes).toBeNull();
    expect(await recoveryCodeStatus(account)).toEqual({ remaining: 10, total: 10 });
  });

  it("cannot confirm another account's pending enrollment", async () => {
    const owner = await newAccount();
    const stranger = await newAccount();
    const started = await startTotpEnrollment(owner, "Phone");
    const secret = decodeBase32IgnorePadding(started.secret.replace(/ /g, ""));
    const code = totpCodeAt(secret, totpStepAt());
    expect(await refusal(confirmTotpEnrollment(stranger, { factorId: started.factorId, code }, meta))).toBe(
      "two-step.enrollmentExpired",
    );
    expect(await hasTwoStep(stranger.id)).toBe(false);
    expect((await confirmTotpEnrollment(owner, { factorId: started.factorId, code }, meta)).factor.name).toBe("Phone");
  });
});

describe("the authenticator code as a second step", () => {
  it("refuses the code already used to confirm (a replay), accepts a newer one once", async () => {
    const account = await newAccount();
    const { secret, step } = await enrollTotp(account);
    expect(await verifyTotpCode(account.id, totpCodeAt(secret, step))).toBe(false);
    const next = totpCodeAt(secret, step + 1);
    expect(await verifyTotpCode(account.id, next)).toBe(true);
    expect(await verifyTotpCode(account.id, next)).toBe(false);
    const [row] = await t.db().select().from(twoStepFactors).where(eq(twoStepFactors.accountId, account.id));
    expect(row?.totpLastStep).toBe(step + 1);
    expect(row?.lastUsedAt).toBeInstanceOf(Date);
  });

  it("refuses a wrong code, a code two steps ahead and another account's code", async () => {
    const account = await newAccount();
    const other = await newAccount();
    const { secret, step } = await enrollTotp(account);
    await enrollTotp(other);
    expect(await verifyTotpCode(account.id, "abc")).toBe(false);
    expect(await verifyTotpCode(account.id, totpCodeAt(secret, step + 3))).toBe(false);
    expect(await verifyTotpCode(other.id, totpCodeAt(secret, step + 1))).toBe(false);
    expect(await verifyTotpCode(account.id, totpCodeAt(secret, step + 1))).toBe(true);
  });
});

describe("recovery codes", () => {
  it("work once each: the second use of a code is refused; the use is audited and emailed", async () => {
    const account = await newAccount();
    const { recoveryCodes: codes } = await enrollTotp(account);
    const code = codes![3]!;
    expect(await redeemRecoveryCode(account.id, code.toUpperCase(), meta)).toEqual({ remaining: 9 });
    expect(await redeemRecoveryCode(account.id, code, meta)).toBeNull();
    expect(await recoveryCodeStatus(account)).toEqual({ remaining: 9, total: 10 });
    expect(await eventsOf(account.id, "account.recovery_code_used")).toHaveLength(1);
    expect(await noticesTo(account.email)).toEqual(["authenticator-added", "recovery-code-used"]);
  });

  it("belong to their account only", async () => {
    const account = await newAccount();
    const other = await newAccount();
    const { recoveryCodes: codes } = await enrollTotp(account);
    await enrollTotp(other);
    expect(await redeemRecoveryCode(other.id, codes![0]!, meta)).toBeNull();
    expect(await redeemRecoveryCode(account.id, codes![0]!, meta)).toEqual({ remaining: 9 });
  });

  it("are all replaced when regenerated, and need a factor to exist", async () => {
    const account = await newAccount();
    expect(await refusal(regenerateRecoveryCodes(account, meta))).toBe("two-step.noFactor");
    const { recoveryCodes: old } = await enrollTotp(account);
    await redeemRecoveryCode(account.id, old![0]!, meta);
    const fresh = await regenerateRecoveryCodes(account, meta);
    expect(fresh).toHaveLength(10);
    expect(await recoveryCodeStatus(account)).toEqual({ remaining: 10, total: 10 });
    expect(await redeemRecoveryCode(account.id, old![1]!, meta)).toBeNull();
    expect(await redeemRecoveryCode(account.id, fresh[1]!, meta)).toEqual({ remaining: 9 });
    expect(await eventsOf(account.id, "account.recovery_codes_regenerated")).toHaveLength(1);
  });
});

describe("renaming and removing factors", () => {
  it("another account's factor is not found, and stays; the account's own is renamed and removed", async () => {
    const owner = await newAccount();
    const stranger = await newAccount();
    const { factorId } = await enrollTotp(owner);
    await enrollTotp(stranger);

    expect(await refusal(renameFactor(stranger, factorId, "Mine now", meta))).toBe("notFound");
    expect(await refusal(removeFactor(stranger, factorId, meta))).toBe("notFound");
    expect(await refusal(removeFactor(stranger, "not-a-uuid", meta))).toBe("notFound");
    expect((await listFactors(owner)).map((f) => f.name)).toEqual(["Phone"]);
    expect(await eventsOf(stranger.id, "account.two_step_removed")).toEqual([]);
    expect(await eventsOf(stranger.id, "account.two_step_renamed")).toEqual([]);

    expect((await renameFactor(owner, factorId, "Work phone", meta)).name).toBe("Work phone");
    expect((await listFactors(owner)).map((f) => f.name)).toEqual(["Work phone"]);
    expect(await eventsOf(owner.id, "account.two_step_renamed")).toHaveLength(1);
    await removeFactor(owner, factorId, meta);
    expect(await listFactors(owner)).toEqual([]);
  });

  it("removal is audited and emailed; removing the last factor turns two-step off and deletes the recovery codes", async () => {
    const account = await newAccount();
    const totp = await enrollTotp(account);
    const passkey = await registerPasskey(account);
    await removeFactor(account, totp.factorId, meta);
    expect(await hasTwoStep(account.id)).toBe(true);
    expect((await recoveryCodeStatus(account)).total).toBe(10);
    await removeFactor(account, passkey.factor.id, meta);
    expect(await hasTwoStep(account.id)).toBe(false);
    expect(await recoveryCodeStatus(account)).toEqual({ remaining: 0, total: 0 });
    const removed = await eventsOf(account.id, "account.two_step_removed");
    expect(removed.map((e) => (e.details as { factorName: string }).factorName).sort()).toEqual(["Laptop", "Phone"]);
    expect(await noticesTo(account.email)).toEqual([
      "authenticator-added",
      "passkey-added",
      "factor-removed",
      "factor-removed",
    ]);
  });
});

describe("passkeys", () => {
  it("register with APP_URL's relying party: stored, listed, first-factor recovery codes, audited and emailed", async () => {
    const account = await newAccount();
    const { factor, recoveryCodes: codes, options } = await registerPasskey(account);
    expect(options.rp.id).toBe(new URL(env.APP_URL).hostname);
    expect(factor).toMatchObject({ kind: "passkey", name: "Laptop" });
    expect(codes).toHaveLength(10);
    expect(await hasTwoStep(account.id)).toBe(true);
    expect(await noticesTo(account.email)).toEqual(["passkey-added"]);
  });

  it("exclude the registered ones from new options, and refuse the same authenticator twice", async () => {
    const account = await newAccount();
    const { authenticator } = await registerPasskey(account);
    const { options } = await passkeyRegistrationOptions(account);
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    expect(await refusal(registerPasskey(account, authenticator))).toBe("two-step.passkeyAlreadyRegistered");
  });

  it("refuse a registration from another origin, and a state issued to another account", async () => {
    const account = await newAccount();
    const other = await newAccount();
    const { options, state } = await passkeyRegistrationOptions(account);
    const response = new SoftAuthenticator().register(options, "https://evil.example");
    expect(await refusal(verifyPasskeyRegistration(account, { response, state, name: "X" }, meta))).toBe(
      "two-step.passkeyFailed",
    );
    const good = new SoftAuthenticator().register(options, relyingParty().origin);
    expect(await refusal(verifyPasskeyRegistration(other, { response: good, state, name: "X" }, meta))).toBe(
      "two-step.passkeyExpired",
    );
    expect(await hasTwoStep(other.id)).toBe(false);
  });

  it("sign in as the second step, and refuse the same assertion sent again (counter)", async () => {
    const account = await newAccount();
    const authenticator = new SoftAuthenticator({ counter: 5 });
    const { factor } = await registerPasskey(account, authenticator);
    const { options, state } = await passkeyAuthenticationOptions(account.id);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    const response = authenticator.authenticate(options, relyingParty().origin);
    expect(await verifyPasskeyAuthentication(response, state)).toEqual({ accountId: account.id, factorId: factor.id });
    expect(await verifyPasskeyAuthentication(response, state)).toBeNull();
    const again = await passkeyAuthenticationOptions(account.id);
    const next = authenticator.authenticate(again.options, relyingParty().origin);
    expect(await verifyPasskeyAuthentication(next, again.state)).toMatchObject({ accountId: account.id });
  });

  it("sign in alone with a discoverable passkey, naming the account", async () => {
    const account = await newAccount();
    const authenticator = new SoftAuthenticator();
    await registerPasskey(account, authenticator);
    const { options, state } = await passkeyAuthenticationOptions(null);
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe("required");
    const response = authenticator.authenticate(options, relyingParty().origin);
    expect(await verifyPasskeyAuthentication(response, state)).toMatchObject({ accountId: account.id });
  });

  it("refuse another account's passkey for an account's second step, a registration state, and a foreign origin", async () => {
    const account = await newAccount();
    const other = await newAccount();
    await registerPasskey(account);
    const otherAuthenticator = new SoftAuthenticator();
    await registerPasskey(other, otherAuthenticator);
    const forAccount = await passkeyAuthenticationOptions(account.id);
    const origin = relyingParty().origin;
    expect(
      await verifyPasskeyAuthentication(otherAuthenticator.authenticate(forAccount.options, origin), forAccount.state),
    ).toBeNull();
    const registration = await passkeyRegistrationOptions(other);
    expect(
      await verifyPasskeyAuthentication(
        otherAuthenticator.authenticate({ ...forAccount.options, challenge: registration.options.challenge }, origin),
        registration.state,
      ),
    ).toBeNull();
    const forOther = await passkeyAuthenticationOptions(other.id);
    expect(
      await verifyPasskeyAuthentication(
        otherAuthenticator.authenticate(forOther.options, "https://evil.example"),
        forOther.state,
      ),
    ).toBeNull();
    expect(
      await verifyPasskeyAuthentication(otherAuthenticator.authenticate(forOther.options, origin), forOther.state),
    ).toMatchObject({ accountId: other.id });
  });
});

describe("reset by an administrator", () => {
  it("removes the member's factors and recovery codes, ends its sessions, audited in the organization and emailed", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db(), "Reset");
    const memberRow = await createAccount(t.db());
    const membership = await addMember(t.db(), org.id, memberRow.id, { role: "administrator" });
    const member = { id: memberRow.id, email: memberRow.email, name: memberRow.name, locale: memberRow.locale };
    await enrollTotp(member);
    await registerPasskey(member);
    const session = await createSession(t.db(), member.id);

    expect(await resetFactors(actor, membership.id)).toEqual({ factorsRemoved: 2 });
    expect(await hasTwoStep(member.id)).toBe(false);
    expect(await recoveryCodeStatus(member)).toEqual({ remaining: 0, total: 0 });
    const [row] = await t.db().select().from(sessions).where(eq(sessions.id, session.sessionId));
    expect(row?.revokedAt).toBeInstanceOf(Date);
    const [event] = await eventsOf(actor.accountId, "account.two_step_reset");
    expect(event).toMatchObject({ organizationId: org.id, targetId: member.id });
    expect((await noticesTo(member.email)).at(-1)).toBe("factors-reset");
  });

  it("an administrator cannot reset the owner's factors, a user cannot reset anyone's, the owner can", async () => {
    const {
      org,
      owner,
      membership: ownerMembership,
      actor: ownerActor,
    } = await createOrganizationWithOwner(t.db(), "Owner");
    const admin = await createAccount(t.db());
    const adminMembership = await addMember(t.db(), org.id, admin.id, { role: "administrator" });
    const user = await createAccount(t.db());
    const userMembership = await addMember(t.db(), org.id, user.id, { role: "user" });
    const ownerAccount = { id: owner.id, email: owner.email, name: owner.name, locale: owner.locale };
    await enrollTotp(ownerAccount);
    const adminActor = await actorFor(t.db(), adminMembership.id);
    const userActor = await actorFor(t.db(), userMembership.id);

    expect(await refusal(resetFactors(adminActor, ownerMembership.id))).toBe("forbidden");
    expect(await refusal(resetFactors(userActor, adminMembership.id))).toBe("forbidden");
    expect(await hasTwoStep(owner.id)).toBe(true);
    expect(await resetFactors(ownerActor, ownerMembership.id)).toEqual({ factorsRemoved: 1 });
  });

  it("never one's own without a current factor; never a member of another organization", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db(), "Own");
    const adminRow = await createAccount(t.db());
    const adminMembership = await addMember(t.db(), org.id, adminRow.id, { role: "administrator" });
    const adminActor = await actorFor(t.db(), adminMembership.id);
    expect(await refusal(resetFactors(adminActor, adminMembership.id))).toBe("two-step.ownResetNeedsFactor");
    const elsewhere = await createOrganizationWithOwner(t.db(), "Elsewhere");
    expect(await refusal(resetFactors(actor, elsewhere.membership.id))).toBe("notFound");
    await enrollTotp({ id: adminRow.id, email: adminRow.email, name: adminRow.name, locale: adminRow.locale });
    expect(await resetFactors(adminActor, adminMembership.id)).toEqual({ factorsRemoved: 1 });
  });
});

describe.runIf(usingPostgres)("one code sent many times at once (PostgreSQL)", () => {
  it("ten parallel uses of one authenticator code: exactly one is accepted", async () => {
    const account = await newAccount();
    const { secret, step } = await enrollTotp(account);
    const code = totpCodeAt(secret, step + 1);
    const results = await Promise.all(Array.from({ length: 10 }, () => verifyTotpCode(account.id, code)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("ten parallel uses of one recovery code: exactly one is accepted, one event, one email", async () => {
    const account = await newAccount();
    const { recoveryCodes: codes } = await enrollTotp(account);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => redeemRecoveryCode(account.id, codes![0]!, meta)),
    );
    expect(results.filter((r) => r !== null)).toEqual([{ remaining: 9 }]);
    expect(await eventsOf(account.id, "account.recovery_code_used")).toHaveLength(1);
    expect((await noticesTo(account.email)).filter((c) => c === "recovery-code-used")).toHaveLength(1);
  });

  it("ten parallel uses of one passkey assertion: exactly one is accepted", async () => {
    const account = await newAccount();
    const authenticator = new SoftAuthenticator();
    await registerPasskey(account, authenticator);
    const { options, state } = await passkeyAuthenticationOptions(account.id);
    const response = authenticator.authenticate(options, relyingParty().origin);
    const results = await Promise.all(Array.from({ length: 10 }, () => verifyPasskeyAuthentication(response, state)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    // Nor once the first use has committed; a fresh challenge signed by the same authenticator passes.
    expect(await verifyPasskeyAuthentication(response, state)).toBeNull();
    const fresh = await passkeyAuthenticationOptions(account.id);
    const again = authenticator.authenticate(fresh.options, relyingParty().origin);
    expect(await verifyPasskeyAuthentication(again, fresh.state)).toMatchObject({ accountId: account.id });
  });
});
