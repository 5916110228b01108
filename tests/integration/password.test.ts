import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, auditEvents, emailOutbox, invitations, memberships, passwordResets } from "@/db/schema";
import { authenticateWithPassword } from "@/lib/auth/authenticate";
import { changeTemporaryPassword, describeTemporaryPasswordChange } from "@/lib/auth/change-password";
import { verifyPassword } from "@/lib/auth/password";
import {
  assertNewPasswordAllowed,
  DEFAULT_MIN_PASSWORD_LENGTH,
  minimumPasswordLengthFor,
} from "@/lib/auth/password-policy";
import {
  completePasswordReset,
  PASSWORD_RESET_LIMITS,
  requestPasswordReset,
  viewPasswordReset,
} from "@/lib/auth/password-reset";
import { openSecret } from "@/lib/email/secret-box";
import { DomainError } from "@/lib/errors";
import { changePasswordSchema } from "@/lib/validations/password";
import { withTestDatabase } from "../support/db";
import {
  addMember,
  countRows,
  createAccount,
  createOrganizationWithOwner,
  DEFAULT_PASSWORD,
  uniqueEmail,
} from "../support/factories";
import { createTestInvitation } from "../support/invitation-factories";

const t = withTestDatabase();
let ipCounter = 0;
const freshMeta = () => ({ ip: `192.0.2.${++ipCounter}`, userAgent: "vitest" });
const NEW_PASSWORD = "seven amber lanterns drifting east";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as DomainError).code;
  }
  return undefined;
}

async function asyncCodeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

describe("new password rules", () => {
  it("apply the minimum, the 128 maximum, the temporary password and the common list", () => {
    const rules = { minLength: 14, temporaryPassword: "Tmp4Kx9QmZr2Wv7N" };
    expect(codeOf(() => assertNewPasswordAllowed("thirteen char", rules))).toBe("password.tooShort");
    expect(codeOf(() => assertNewPasswordAllowed("fourteen chars", rules))).toBeUndefined();
    expect(codeOf(() => assertNewPasswordAllowed("é".repeat(128), rules))).toBeUndefined();
    expect(codeOf(() => assertNewPasswordAllowed("é".repeat(129), rules))).toBe("password.tooLong");
    expect(codeOf(() => assertNewPasswordAllowed("Tmp4Kx9QmZr2Wv7N", rules))).toBe("password.sameAsTemporary");
    expect(codeOf(() => assertNewPasswordAllowed("1qaz2wsx3edc4rfv", rules))).toBe("password.common");
    expect(codeOf(() => assertNewPasswordAllowed("PASSWORDPASSWORD", rules))).toBe("password.common");
  });

  it("compare Unicode-normalized text (NFKC)", () => {
    // Full-width letters are the same password once normalized: still the common one.
    expect(codeOf(() => assertNewPasswordAllowed("ｐａｓｓｗｏｒｄｐａｓｓｗｏｒｄ", { minLength: 12 }))).toBe(
      "password.common",
    );
    // "e" + combining accent counts as one character, as a person counts it.
    expect(codeOf(() => assertNewPasswordAllowed("e\u0301".repeat(12), { minLength: 12 }))).toBeUndefined();
    expect(codeOf(() => assertNewPasswordAllowed("e\u0301".repeat(11), { minLength: 12 }))).toBe("password.tooShort");
  });

  it("the error names the field and the number, in both languages' catalogs", async () => {
    const error = (() => {
      try {
        assertNewPasswordAllowed("short", { minLength: 12 });
      } catch (e) {
        return e as DomainError;
      }
    })();
    expect(error?.options).toMatchObject({ field: "newPassword", params: { min: 12 } });
    const en = (await import("@/lib/i18n/messages/en/password.json")).default;
    const fr = (await import("@/lib/i18n/messages/fr/password.json")).default;
    expect(en.tooShort).toContain("{min}");
    expect(fr.tooShort).toContain("{min}");
  });

  it("Confirm new password must match", () => {
    const result = changePasswordSchema.safeParse({ newPassword: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}!` });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["confirmPassword"], message: "password.mismatch" });
  });

  it("the minimum is the strictest of the account's organizations, 12 without any", async () => {
    const db = t.db();
    const account = await createAccount(db);
    expect(await minimumPasswordLengthFor(db, account.id)).toBe(DEFAULT_MIN_PASSWORD_LENGTH);
    const a = await createOrganizationWithOwner(db, "Soylent");
    const b = await createOrganizationWithOwner(db, "Tyrell");
    await db.execute(
      sql`update organization_settings set min_password_length = 20 where organization_id = ${b.org.id}`,
    );
    await addMember(db, a.org.id, account.id);
    expect(await minimumPasswordLengthFor(db, account.id)).toBe(12);
    await addMember(db, b.org.id, account.id, { status: "invited" });
    expect(await minimumPasswordLengthFor(db, account.id)).toBe(20);
  });
});

describe("the change-password page (signed in with a temporary password)", () => {
  it("replaces the password, ends other sessions, and accepts the invitation that issued it", async () => {
    const db = t.db();
    const { org, owner } = await createOrganizationWithOwner(db, "Cyberdyne");
    const { invitation, account, temporaryPassword } = await createTestInvitation(db, {
      organizationId: org.id,
      inviterAccountId: owner.id,
      kind: "new",
    });
    const signedIn = await authenticateWithPassword(
      { email: account.email, password: temporaryPassword! },
      freshMeta(),
    );
    expect(signedIn.passwordIsTemporary).toBe(true);
    const me = { id: account.id, email: account.email, name: account.name, locale: null, passwordIsTemporary: true };
    expect(await describeTemporaryPasswordChange(me)).toEqual({ minPasswordLength: 12, joining: [org.name] });

    expect(
      await asyncCodeOf(
        changeTemporaryPassword(
          me,
          { newPassword: temporaryPassword!, confirmPassword: temporaryPassword! },
          freshMeta(),
        ),
      ),
    ).toBe("password.sameAsTemporary");
    const done = await changeTemporaryPassword(
      me,
      { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      freshMeta(),
    );
    expect(done).toEqual({ sessionVersion: 2, organizationSlug: org.slug });

    const [after] = await db.select().from(accounts).where(eq(accounts.id, account.id));
    expect(after).toMatchObject({ passwordIsTemporary: false, sessionVersion: 2, createdByInvitationId: null });
    expect(await verifyPassword(NEW_PASSWORD, after!.passwordHash!)).toBe(true);
    const [inv] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(inv?.status).toBe("accepted");
    const [m] = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, org.id), eq(memberships.accountId, account.id)));
    expect(m?.status).toBe("active");
    const actions = (await db.select().from(auditEvents).where(eq(auditEvents.organizationId, org.id)))
      .map((a) => a.action)
      .sort();
    expect(actions).toEqual(["account.password_changed", "invitation.accepted"]);
    // Another new password, so that the refusal is for the password no longer being temporary.
    const another = `${NEW_PASSWORD}-again`;
    await expect(
      changeTemporaryPassword(me, { newPassword: another, confirmPassword: another }, freshMeta()),
    ).rejects.toMatchObject({ code: "forbidden" });
  });

  it("is refused once no invitation keeps the temporary password valid", async () => {
    const db = t.db();
    const { org, owner } = await createOrganizationWithOwner(db, "Wonka");
    const { invitation, account } = await createTestInvitation(db, {
      organizationId: org.id,
      inviterAccountId: owner.id,
      kind: "new",
    });
    await db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, invitation.id));
    const me = { id: account.id, email: account.email, name: account.name, locale: null, passwordIsTemporary: true };
    const before = await countRows(db);
    expect(
      await asyncCodeOf(
        changeTemporaryPassword(me, { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, freshMeta()),
      ),
    ).toBe("password.temporaryExpired");
    expect(await countRows(db)).toEqual(before);
  });

  it("refuses an account whose password is not temporary", async () => {
    const account = await createAccount(t.db());
    const me = { id: account.id, email: account.email, name: account.name, locale: null, passwordIsTemporary: false };
    expect(
      await asyncCodeOf(
        changeTemporaryPassword(me, { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, freshMeta()),
      ),
    ).toBe("forbidden");
  });
});

/** The key the reset email carries, as the delivery worker would unseal it. */
async function lastResetKey(email: string): Promise<{ resetId: string; key: string }> {
  const [mail] = await t
    .db()
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.template, "password-reset"), eq(emailOutbox.toAddress, email)))
    .orderBy(sql`${emailOutbox.createdAt} desc`)
    .limit(1);
  if (!mail?.secretCiphertext) throw new Error("no reset email");
  const { key } = JSON.parse(openSecret(mail.secretCiphertext)) as { key: string };
  return { resetId: (mail.payload as { resetId: string }).resetId, key };
}

describe("forgotten password", () => {
  it("answers the same for an unknown address, and writes nothing but the counters", async () => {
    const before = await countRows(t.db());
    await expect(requestPasswordReset({ email: uniqueEmail("nobody") }, freshMeta(), "en")).resolves.toBeUndefined();
    expect(await countRows(t.db())).toEqual(before);
  });

  it("emails a single-use link valid one hour, then the link sets the password and signs in", async () => {
    const db = t.db();
    const { org } = await createOrganizationWithOwner(db, "Aperture");
    const account = await createAccount(db, { email: uniqueEmail("Forgetful") });
    await addMember(db, org.id, account.id);
    await expect(
      requestPasswordReset({ email: `  ${account.email.toUpperCase()} ` }, freshMeta(), "fr"),
    ).resolves.toBeUndefined();

    const { resetId, key } = await lastResetKey(account.email);
    const [reset] = await db.select().from(passwordResets).where(eq(passwordResets.id, resetId));
    expect(reset?.keyHash).not.toContain(key);
    expect(reset!.expiresAt.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(reset!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    const [mail] = await db.select().from(emailOutbox).where(eq(emailOutbox.template, "password-reset"));
    expect(JSON.stringify(mail?.payload)).not.toContain(key);
    expect(mail?.locale).toBe("fr");

    const before = await countRows(db);
    expect(await viewPasswordReset(resetId, key)).toEqual({
      state: "valid",
      email: account.email,
      minPasswordLength: 12,
    });
    expect(await viewPasswordReset(resetId, `${key}x`)).toEqual({ state: "invalid" });
    expect(await countRows(db)).toEqual(before);

    expect(
      await asyncCodeOf(
        completePasswordReset({ resetId, key, newPassword: "too short", confirmPassword: "too short" }, freshMeta()),
      ),
    ).toBe("password.tooShort");
    expect(
      await asyncCodeOf(
        completePasswordReset(
          { resetId, key, newPassword: DEFAULT_PASSWORD, confirmPassword: DEFAULT_PASSWORD },
          freshMeta(),
        ),
      ),
    ).toBe("password.sameAsCurrent");
    const done = await completePasswordReset(
      { resetId, key, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      freshMeta(),
    );
    expect(done).toEqual({ accountId: account.id, sessionVersion: 2 });
    await expect(
      authenticateWithPassword({ email: account.email, password: NEW_PASSWORD }, freshMeta()),
    ).resolves.toMatchObject({ accountId: account.id });

    expect(await viewPasswordReset(resetId, key)).toEqual({ state: "used" });
    expect(
      await asyncCodeOf(
        completePasswordReset(
          { resetId, key, newPassword: `${NEW_PASSWORD}!`, confirmPassword: `${NEW_PASSWORD}!` },
          freshMeta(),
        ),
      ),
    ).toBe("password.linkUsed");
    const actions = (await db.select().from(auditEvents).where(eq(auditEvents.organizationId, org.id)))
      .map((a) => a.action)
      .sort();
    expect(actions).toEqual(["account.password_reset_completed", "account.password_reset_requested"]);
    const notices = await db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.template, "password-changed"), eq(emailOutbox.toAddress, account.email)));
    expect(notices).toHaveLength(1);
  });

  it("an expired link says so and changes nothing", async () => {
    const db = t.db();
    const account = await createAccount(db);
    await requestPasswordReset({ email: account.email }, freshMeta(), "en");
    const { resetId, key } = await lastResetKey(account.email);
    await db
      .update(passwordResets)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(passwordResets.id, resetId));
    expect(await viewPasswordReset(resetId, key)).toEqual({ state: "expired" });
    const before = await countRows(db);
    expect(
      await asyncCodeOf(
        completePasswordReset({ resetId, key, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, freshMeta()),
      ),
    ).toBe("password.linkExpired");
    expect(await countRows(db)).toEqual(before);
  });

  it("limits requests per address and IP, then per address, answering the same; a refused one sends nothing", async () => {
    const db = t.db();
    const account = await createAccount(db);
    const mails = async () =>
      (
        await db
          .select()
          .from(emailOutbox)
          .where(and(eq(emailOutbox.template, "password-reset"), eq(emailOutbox.toAddress, account.email)))
      ).length;
    const meta = freshMeta();
    const { limit: perPair } = PASSWORD_RESET_LIMITS.requestsPerAddressAndIp;
    for (let i = 0; i < perPair + 1; i++)
      await expect(requestPasswordReset({ email: account.email }, meta, "en")).resolves.toBeUndefined();
    expect(await mails()).toBe(perPair);

    const { limit: perAddress } = PASSWORD_RESET_LIMITS.requestsPerAddress;
    for (let i = perPair; i < perAddress + 1; i++)
      await expect(requestPasswordReset({ email: account.email }, freshMeta(), "en")).resolves.toBeUndefined();
    expect(await mails()).toBe(perAddress);
  });

  it("limits wrong reset keys per IP", async () => {
    const meta = freshMeta();
    const account = await createAccount(t.db());
    await requestPasswordReset({ email: account.email }, freshMeta(), "en");
    const { resetId, key } = await lastResetKey(account.email);
    for (let i = 0; i < PASSWORD_RESET_LIMITS.attemptsPerIp.limit; i++) {
      expect(
        await asyncCodeOf(
          completePasswordReset(
            { resetId: crypto.randomUUID(), key: "nope", newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
            meta,
          ),
        ),
      ).toBe("password.linkInvalid");
    }
    expect(
      await asyncCodeOf(
        completePasswordReset({ resetId, key, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, meta),
      ),
    ).toBe("password.tooManyAttempts");
    await expect(
      completePasswordReset({ resetId, key, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, freshMeta()),
    ).resolves.toMatchObject({ accountId: account.id });
  });
});
