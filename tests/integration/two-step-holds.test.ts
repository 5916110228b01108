import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { updateSettingsAction } from "@/app/o/[slug]/admin/settings/general/actions";
import { queryCounter } from "@/db/query-counter";
import { accounts, organizationSettings } from "@/db/schema";
import { getCurrentAccount, getMembershipAccess } from "@/lib/auth/current";
import { requireOrgAccess } from "@/lib/auth/require";
import type { AppLocale } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";
import { acceptInvitation, completeNewAccount, viewInvitation } from "@/lib/invitations/accept";
import { readSettings } from "@/lib/settings/read";
import { confirmTotpEnrollment, listFactors, removeFactor, startTotpEnrollment } from "@/lib/two-step";
import { totpCodeAt, totpStepAt } from "@/lib/two-step/totp";
import { withTestDatabase } from "../support/db";
import { addMember, countRows, createAccount, createOrganizationWithOwner, createSession } from "../support/factories";
import { createTestInvitation } from "../support/invitation-factories";

// The access check and the server action run for real; only the session cookie, the request's
// headers and the request's locale are stood in for.
const request = vi.hoisted(() => ({
  session: null as { accountId: string; sessionVersion: number; sessionId: string } | null,
}));
vi.mock("@/lib/auth/session-token", () => ({ readSessionToken: async () => request.session }));
vi.mock("@/lib/auth/request-meta", () => ({
  getRequestMeta: async () => ({ ip: "198.51.100.70", userAgent: "vitest holds" }),
}));
vi.mock("next-intl/server", async () => {
  const { createTranslator } = await import("next-intl");
  return { getTranslations: async () => createTranslator({ locale: "en", messages: loadMessages("en" as AppLocale) }) };
});

const t = withTestDatabase();
const meta = { ip: "198.51.100.70", userAgent: "vitest holds" };
const NEW_PASSWORD = "a brand new password for the hold";

beforeEach(() => {
  request.session = null;
});

async function signInAs(accountId: string, sessionVersion = 1) {
  request.session = await createSession(t.db(), accountId, { sessionVersion });
}

async function requireTwoStep(organizationId: string, requirement: "off" | "required" = "required") {
  await t
    .db()
    .update(organizationSettings)
    .set({ twoStepRequirement: requirement })
    .where(eq(organizationSettings.organizationId, organizationId));
}

async function enroll(accountId: string) {
  const [row] = await t.db().select().from(accounts).where(eq(accounts.id, accountId));
  const account = { id: row!.id, email: row!.email, name: row!.name, locale: row!.locale };
  const started = await startTotpEnrollment(account, "Phone");
  const secret = decodeBase32IgnorePadding(started.secret.replace(/ /g, ""));
  await confirmTotpEnrollment(account, { factorId: started.factorId, code: totpCodeAt(secret, totpStepAt()) }, meta);
  return account;
}

/** Where a page's access check sent the browser, or null when it let the page render. */
async function pageRedirect(slug: string): Promise<string | null> {
  try {
    await requireOrgAccess(slug);
    return null;
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest !== "string" || !digest.startsWith("NEXT_REDIRECT")) throw error;
    return digest.split(";")[2]!;
  }
}

function settingsSave(version: number) {
  return {
    version,
    temporaryPasswordPolicy: "send",
    invitationValidityDays: 7,
    defaultLocale: "en",
    allowedEmailDomains: "",
    minPasswordLength: 12,
  };
}

describe("an organization that requires two-step verification of administrators", () => {
  it("holds an administrator without a factor on the enrollment page and refuses its actions, writing nothing", async () => {
    const { org, owner } = await createOrganizationWithOwner(t.db(), "Held");
    await requireTwoStep(org.id);
    await signInAs(owner.id);

    const { result, queries } = await queryCounter.count(() => getMembershipAccess(org.slug));
    expect(result).toEqual({ kind: "two-step-required", organizationSlug: org.slug });
    expect(queries).toBe(1);
    expect(await pageRedirect(org.slug)).toBe(`/two-step/setup?next=${encodeURIComponent(`/o/${org.slug}`)}`);

    const before = await countRows(t.db());
    const refused = await updateSettingsAction(org.slug, settingsSave(1));
    expect(refused).toMatchObject({ ok: false, code: "two-step.requiredForAdministrators" });
    expect(await countRows(t.db())).toEqual(before);
    expect((await readSettings(t.db(), org.id)).temporaryPasswordPolicy).toBe("ask");
    // Signed in all the same: the account may reach the enrollment page.
    expect((await getCurrentAccount())?.id).toBe(owner.id);
  });

  it("lets the administrator in once enrolled, and holds it again when its last factor is removed", async () => {
    const { org, owner } = await createOrganizationWithOwner(t.db(), "Enrolled");
    await requireTwoStep(org.id);
    const account = await enroll(owner.id);
    await signInAs(owner.id);
    expect((await getMembershipAccess(org.slug)).kind).toBe("ok");
    expect(await pageRedirect(org.slug)).toBeNull();
    expect(await updateSettingsAction(org.slug, settingsSave(1))).toMatchObject({ ok: true });

    const [factor] = await listFactors(account);
    await removeFactor(account, factor!.id, meta);
    await signInAs(owner.id);
    expect((await getMembershipAccess(org.slug)).kind).toBe("two-step-required");
  });

  it("does not hold a user member", async () => {
    const { org } = await createOrganizationWithOwner(t.db(), "Users");
    await requireTwoStep(org.id);
    const member = await createAccount(t.db());
    await addMember(t.db(), org.id, member.id, { role: "user" });
    await signInAs(member.id);
    expect((await getMembershipAccess(org.slug)).kind).toBe("ok");
    expect(await pageRedirect(org.slug)).toBeNull();
  });

  it("holds only in the organization that requires it", async () => {
    const { org: strict, owner } = await createOrganizationWithOwner(t.db(), "Strict");
    const { org: relaxed } = await createOrganizationWithOwner(t.db(), "Relaxed");
    await addMember(t.db(), relaxed.id, owner.id, { role: "administrator" });
    await requireTwoStep(strict.id);
    await signInAs(owner.id);
    expect((await getMembershipAccess(strict.slug)).kind).toBe("two-step-required");
    expect((await getMembershipAccess(relaxed.slug)).kind).toBe("ok");
  });
});

describe("an organization with the requirement Off (control)", () => {
  it("lets an administrator without a factor in, and its actions run", async () => {
    const { org, owner } = await createOrganizationWithOwner(t.db(), "Relaxed");
    await requireTwoStep(org.id, "off");
    await signInAs(owner.id);
    expect((await getMembershipAccess(org.slug)).kind).toBe("ok");
    expect(await pageRedirect(org.slug)).toBeNull();
    expect(await updateSettingsAction(org.slug, settingsSave(1))).toMatchObject({ ok: true });
    expect((await readSettings(t.db(), org.id)).temporaryPasswordPolicy).toBe("send");
  });
});

describe("accepting an invitation to an organization that requires it", () => {
  it("tells the invitee in advance, and a new account's acceptance ends at the enrollment page", async () => {
    const { org, owner } = await createOrganizationWithOwner(t.db(), "Invites");
    await requireTwoStep(org.id);
    const { invitation, key, temporaryPassword, account } = await createTestInvitation(t.db(), {
      organizationId: org.id,
      inviterAccountId: owner.id,
      kind: "new",
    });
    const view = await viewInvitation(invitation.id, key, meta);
    expect(view).toMatchObject({ state: "pending", invitation: { twoStepRequired: true } });

    const done = await completeNewAccount(
      {
        invitationId: invitation.id,
        key,
        temporaryPassword: temporaryPassword!,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      },
      meta,
    );
    expect(done.organizationSlug).toBe(org.slug);
    await signInAs(account.id, done.sessionVersion);
    // Where the acceptance redirects (`/o/<slug>`) sends the new administrator to enroll, then back.
    expect(await pageRedirect(done.organizationSlug)).toBe(
      `/two-step/setup?next=${encodeURIComponent(`/o/${org.slug}`)}`,
    );
    await enroll(account.id);
    expect(await pageRedirect(done.organizationSlug)).toBeNull();
  });

  it("an existing account without a factor enrolls before reaching the organization; a user invitation says nothing", async () => {
    const { org, owner } = await createOrganizationWithOwner(t.db(), "Existing");
    await requireTwoStep(org.id);
    const existing = await createAccount(t.db());
    const { invitation, key } = await createTestInvitation(t.db(), {
      organizationId: org.id,
      inviterAccountId: owner.id,
      account: existing,
    });
    await signInAs(existing.id);
    const current = await getCurrentAccount();
    const { organizationSlug } = await acceptInvitation(current!, { invitationId: invitation.id, key }, meta);
    expect((await getMembershipAccess(organizationSlug)).kind).toBe("two-step-required");

    const asUser = await createTestInvitation(t.db(), {
      organizationId: org.id,
      inviterAccountId: owner.id,
      kind: "new",
      role: "user",
    });
    expect(await viewInvitation(asUser.invitation.id, asUser.key, meta)).toMatchObject({
      invitation: { twoStepRequired: false },
    });
  });
});
