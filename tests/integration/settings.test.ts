import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { updateSettingsAction } from "@/app/o/[slug]/admin/settings/general/actions";
import { auditEvents, memberships } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import type { AppLocale } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";
import { createOrganization } from "@/lib/organizations";
import { getSettings, readSettings } from "@/lib/settings/read";
import { updateSettings } from "@/lib/settings/update";
import { settingsSchema, type SettingsInput } from "@/lib/validations/settings";
import { withTestDatabase } from "../support/db";
import {
  actorFor,
  addMember,
  countRows,
  createAccount,
  createOrganizationWithOwner,
  createSession,
} from "../support/factories";

// The server action runs for real (session → membership → permission → schema → domain); only
// what needs an HTTP request is stood in for: the session cookie, the request's headers, and
// the locale the request would select.
const request = vi.hoisted(() => ({
  session: null as { accountId: string; sessionVersion: number; sessionId: string } | null,
  locale: "en" as "en" | "fr",
}));
vi.mock("@/lib/auth/session-token", () => ({ readSessionToken: async () => request.session }));
vi.mock("@/lib/auth/request-meta", () => ({
  getRequestMeta: async () => ({ ip: "198.51.100.9", userAgent: "vitest" }),
}));
vi.mock("next-intl/server", async () => {
  const { createTranslator } = await import("next-intl");
  return {
    getTranslations: async () =>
      createTranslator({ locale: request.locale, messages: loadMessages(request.locale as AppLocale) }),
  };
});

const t = withTestDatabase();

async function signInAs(accountId: string | null, locale: "en" | "fr" = "en") {
  request.session = accountId ? await createSession(t.db(), accountId) : null;
  request.locale = locale;
}

beforeEach(async () => {
  await signInAs(null);
});

const defaults = {
  temporaryPasswordPolicy: "ask",
  invitationValidityDays: 7,
  defaultLocale: "en",
  allowedEmailDomains: [],
  minPasswordLength: 12,
  twoStepRequirement: "off",
} as const;

function input(version: number, overrides: Partial<SettingsInput> = {}): SettingsInput {
  return { version, ...defaults, allowedEmailDomains: [], ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function settingsAuditEvents(organizationId: string) {
  return t
    .db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, organizationId), eq(auditEvents.action, "settings.updated")));
}

describe("defaults", () => {
  it("a new organization starts with Ask, 7 days, English, any domain, 12 characters, version 1", async () => {
    // ORGANIZATION_CREATION defaults to administrators of an existing organization.
    const { owner: account } = await createOrganizationWithOwner(t.db(), "Seed");
    const org = await createOrganization(account, { name: "Fresh" }, { ip: null, userAgent: null });
    const [membership] = await t.db().select().from(memberships).where(eq(memberships.organizationId, org.id));
    const actor = await actorFor(t.db(), membership!.id);
    expect(await readSettings(t.db(), org.id)).toEqual({ ...defaults, version: 1 });
    expect(await getSettings(actor)).toEqual({ ...defaults, version: 1 });
  });
});

describe("saving", () => {
  it("a save without the two-step field keeps the requirement as it is; one with it changes it", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db(), "Keeper");
    await updateSettings(actor, input(1, { twoStepRequirement: "required" }));
    const { twoStepRequirement: _omitted, ...withoutTwoStep } = input(2, { minPasswordLength: 20 });
    await updateSettings(actor, withoutTwoStep);
    expect(await readSettings(t.db(), org.id)).toMatchObject({ twoStepRequirement: "required", version: 3 });
    await updateSettings(actor, input(3, { minPasswordLength: 20, twoStepRequirement: "off" }));
    expect(await readSettings(t.db(), org.id)).toMatchObject({ twoStepRequirement: "off", version: 4 });
    const events = await settingsAuditEvents(org.id);
    expect(events.map((e) => (e.details as { changes: object }).changes)).toEqual(
      expect.arrayContaining([
        { twoStepRequirement: { from: "off", to: "required" } },
        { minPasswordLength: { from: 12, to: 20 } },
        { twoStepRequirement: { from: "required", to: "off" } },
      ]),
    );
  });

  it("stores every field, lower-cases and sorts the domains, bumps the version, and audits before → after", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db(), "Saver");
    const result = await updateSettings(
      actor,
      settingsSchema.parse({
        version: 1,
        temporaryPasswordPolicy: "not_send",
        invitationValidityDays: 30,
        defaultLocale: "fr",
        allowedEmailDomains: "Example.COM\n\n  sub.example.org ; example.com",
        minPasswordLength: 128,
        twoStepRequirement: "required",
      }),
    );
    const expected = {
      temporaryPasswordPolicy: "not_send",
      invitationValidityDays: 30,
      defaultLocale: "fr",
      allowedEmailDomains: ["example.com", "sub.example.org"],
      minPasswordLength: 128,
      twoStepRequirement: "required",
      version: 2,
    };
    expect(result).toEqual({ changed: true, settings: expected });
    expect(await readSettings(t.db(), org.id)).toEqual(expected);

    const [event, ...more] = await settingsAuditEvents(org.id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ actorAccountId: actor.accountId, targetId: org.id, ip: "203.0.113.7" });
    expect(event!.details).toEqual({
      version: 2,
      changes: {
        temporaryPasswordPolicy: { from: "ask", to: "not_send" },
        invitationValidityDays: { from: 7, to: 30 },
        defaultLocale: { from: "en", to: "fr" },
        allowedEmailDomains: { from: [], to: ["example.com", "sub.example.org"] },
        minPasswordLength: { from: 12, to: 128 },
        twoStepRequirement: { from: "off", to: "required" },
      },
    });
  });

  it("audits only the fields that changed", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db(), "Partial");
    await updateSettings(actor, input(1, { invitationValidityDays: 1 }));
    const [event] = await settingsAuditEvents(org.id);
    expect(event!.details).toEqual({ version: 2, changes: { invitationValidityDays: { from: 7, to: 1 } } });
  });

  it("a save that changes nothing keeps the version and writes no audit event", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db(), "Same");
    const before = await countRows(t.db());
    const result = await updateSettings(actor, input(1));
    expect(result).toEqual({ changed: false, settings: { ...defaults, version: 1 } });
    expect(await countRows(t.db())).toEqual(before);
    expect(await settingsAuditEvents(org.id)).toEqual([]);
  });
});

describe("validation", () => {
  const valid = {
    version: 3,
    temporaryPasswordPolicy: "send",
    invitationValidityDays: 7,
    defaultLocale: "en",
    allowedEmailDomains: "",
    minPasswordLength: 12,
  };

  function errorsOf(raw: Record<string, unknown>): Record<string, string> {
    const result = settingsSchema.safeParse({ ...valid, ...raw });
    if (result.success) return {};
    return Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
  }

  it("accepts the bounds and an empty domain list (any domain)", () => {
    for (const raw of [
      { invitationValidityDays: 1, minPasswordLength: 8 },
      { invitationValidityDays: 30, minPasswordLength: 128 },
      { temporaryPasswordPolicy: "ask", defaultLocale: "fr" },
      { temporaryPasswordPolicy: "not_send" },
      { allowedEmailDomains: "  \n " },
      { allowedEmailDomains: ["a.io", "xn--bcher-kva.example", "mail.co.uk", "x-y.travel"] },
    ]) {
      expect(errorsOf(raw), JSON.stringify(raw)).toEqual({});
    }
    expect(settingsSchema.parse({ ...valid, allowedEmailDomains: " \n" }).allowedEmailDomains).toEqual([]);
  });

  it.each([
    [
      "invitation validity below 1",
      { invitationValidityDays: 0 },
      "invitationValidityDays",
      "settings.errors.validityDays",
    ],
    [
      "invitation validity above 30",
      { invitationValidityDays: 31 },
      "invitationValidityDays",
      "settings.errors.validityDays",
    ],
    [
      "invitation validity not whole",
      { invitationValidityDays: 2.5 },
      "invitationValidityDays",
      "settings.errors.validityDays",
    ],
    [
      "invitation validity empty",
      { invitationValidityDays: Number.NaN },
      "invitationValidityDays",
      "settings.errors.validityDays",
    ],
    [
      "invitation validity as text",
      { invitationValidityDays: "7" },
      "invitationValidityDays",
      "settings.errors.validityDays",
    ],
    [
      "minimum password length below 8",
      { minPasswordLength: 7 },
      "minPasswordLength",
      "settings.errors.minPasswordLength",
    ],
    [
      "minimum password length above 128",
      { minPasswordLength: 129 },
      "minPasswordLength",
      "settings.errors.minPasswordLength",
    ],
    [
      "minimum password length missing",
      { minPasswordLength: undefined },
      "minPasswordLength",
      "settings.errors.minPasswordLength",
    ],
    [
      "an unknown password policy",
      { temporaryPasswordPolicy: "sometimes" },
      "temporaryPasswordPolicy",
      "settings.errors.policyInvalid",
    ],
    ["an unknown language", { defaultLocale: "de" }, "defaultLocale", "settings.errors.localeInvalid"],
    [
      "a word that is not a domain",
      { allowedEmailDomains: "example" },
      "allowedEmailDomains",
      "settings.errors.domainInvalid",
    ],
    [
      "an address instead of a domain",
      { allowedEmailDomains: "someone@example.com" },
      "allowedEmailDomains",
      "settings.errors.domainInvalid",
    ],
    [
      "a label starting with a hyphen",
      { allowedEmailDomains: "-bad.example.com" },
      "allowedEmailDomains",
      "settings.errors.domainInvalid",
    ],
    [
      "an underscore",
      { allowedEmailDomains: "my_company.com" },
      "allowedEmailDomains",
      "settings.errors.domainInvalid",
    ],
    [
      "a numeric top-level domain",
      { allowedEmailDomains: "10.0.0.1" },
      "allowedEmailDomains",
      "settings.errors.domainInvalid",
    ],
    [
      "one bad entry among good ones",
      { allowedEmailDomains: ["good.com", "bad domain"] },
      "allowedEmailDomains",
      "settings.errors.domainInvalid",
    ],
    [
      "more than 100 domains",
      { allowedEmailDomains: Array.from({ length: 101 }, (_, i) => `d${i}.com`) },
      "allowedEmailDomains",
      "settings.errors.domainsTooMany",
    ],
    ["a missing version", { version: undefined }, "version", "invalid"],
    ["a version beyond the column's range", { version: 2 ** 31 }, "version", "invalid"],
  ])("refuses %s", (_, raw, field, message) => {
    expect(errorsOf(raw)).toEqual({ [field]: message });
  });

  it("every message exists in English and in French, and they differ", () => {
    const [en, fr] = [loadMessages("en"), loadMessages("fr")];
    const errors = [
      "policyInvalid",
      "validityDays",
      "localeInvalid",
      "domainInvalid",
      "domainsTooMany",
      "minPasswordLength",
      "changedMeanwhile",
    ];
    for (const key of errors) {
      const inEnglish = (en.settings!.errors as Record<string, string>)[key];
      const inFrench = (fr.settings!.errors as Record<string, string>)[key];
      expect(inEnglish, key).toBeTruthy();
      expect(inFrench, key).toBeTruthy();
      expect(inFrench).not.toBe(inEnglish);
    }
  });
});

describe("the server action", () => {
  const invalid = {
    version: 1,
    temporaryPasswordPolicy: "sometimes",
    invitationValidityDays: 31,
    defaultLocale: "en",
    allowedEmailDomains: "example.com\nnot a domain",
    minPasswordLength: 7,
  };

  it("saves for an administrator of the organization", async () => {
    const { org, owner } = await createOrganizationWithOwner(t.db(), "Action");
    await signInAs(owner.id);
    const result = await updateSettingsAction(org.slug, {
      ...input(1),
      temporaryPasswordPolicy: "send",
      allowedEmailDomains: "Acme.test",
    });
    expect(result).toEqual({
      ok: true,
      data: {
        changed: true,
        settings: { ...defaults, temporaryPasswordPolicy: "send", allowedEmailDomains: ["acme.test"], version: 2 },
      },
    });
    const [event] = await settingsAuditEvents(org.id);
    expect(event).toMatchObject({ actorAccountId: owner.id, ip: "198.51.100.9" });
  });

  it.each([
    [
      "en",
      {
        temporaryPasswordPolicy: "Choose Ask, Send or Not send.",
        invitationValidityDays: "Enter a whole number of days from 1 to 30.",
        minPasswordLength: "Enter a whole number from 8 to 128.",
      },
    ],
    [
      "fr",
      {
        temporaryPasswordPolicy: "Choisissez Demander, Envoyer ou Ne pas envoyer.",
        invitationValidityDays: "Saisissez un nombre entier de jours entre 1 et 30.",
        minPasswordLength: "Saisissez un nombre entier entre 8 et 128.",
      },
    ],
  ] as const)(
    "answers every invalid field in %s and saves nothing, not even the valid fields",
    async (locale, expected) => {
      const { org, owner } = await createOrganizationWithOwner(t.db(), "Invalid");
      await signInAs(owner.id, locale);
      const before = await countRows(t.db());
      const result = await updateSettingsAction(org.slug, { ...invalid, defaultLocale: "fr" });
      expect(result.ok).toBe(false);
      const fieldErrors = !result.ok ? (result.fieldErrors ?? {}) : {};
      expect(Object.keys(fieldErrors).sort()).toEqual([
        "allowedEmailDomains",
        "invitationValidityDays",
        "minPasswordLength",
        "temporaryPasswordPolicy",
      ]);
      for (const [field, message] of Object.entries(expected)) expect(fieldErrors[field]).toEqual([message]);
      expect(fieldErrors.allowedEmailDomains![0]).toMatch(locale === "en" ? /example\.com/ : /un par ligne/);
      expect(await countRows(t.db())).toEqual(before);
      expect(await readSettings(t.db(), org.id)).toEqual({ ...defaults, version: 1 });
    },
  );

  it("refuses an anonymous caller, a user member and an administrator of another organization, changing nothing", async () => {
    const { org } = await createOrganizationWithOwner(t.db(), "Guarded");
    const user = await createAccount(t.db());
    await addMember(t.db(), org.id, user.id, { role: "user" });
    const other = await createOrganizationWithOwner(t.db(), "Elsewhere");
    const before = await countRows(t.db());

    for (const accountId of [null, user.id, other.owner.id]) {
      await signInAs(accountId);
      const result = await updateSettingsAction(org.slug, input(1, { minPasswordLength: 64 }));
      expect(result, String(accountId)).toEqual({
        ok: false,
        code: "forbidden",
        formError: "You do not have permission to do this.",
      });
    }
    expect(await countRows(t.db())).toEqual(before);
    expect(await readSettings(t.db(), org.id)).toEqual({ ...defaults, version: 1 });
  });
});

describe("permissions in the domain", () => {
  it("refuses a user member, a disabled administrator, and an administrator of another organization, changing nothing", async () => {
    const { org } = await createOrganizationWithOwner(t.db(), "Domain");
    const user = await createAccount(t.db());
    const userActor = await actorFor(t.db(), (await addMember(t.db(), org.id, user.id, { role: "user" })).id);
    const disabled = await createAccount(t.db());
    const disabledMembership = await addMember(t.db(), org.id, disabled.id);
    const disabledActor = await actorFor(t.db(), disabledMembership.id);
    await t.db().update(memberships).set({ status: "disabled" }).where(eq(memberships.id, disabledMembership.id));
    const other = await createOrganizationWithOwner(t.db(), "Stranger");
    // An administrator elsewhere, pointing at this organization: the membership does not belong to it.
    const intruder: Actor = { ...other.actor, organizationId: org.id, organizationSlug: org.slug };
    const before = await countRows(t.db());

    for (const actor of [userActor, disabledActor, intruder]) {
      expect((await rejection(updateSettings(actor, input(1, { minPasswordLength: 64 })))).code).toBe("forbidden");
    }
    expect((await rejection(getSettings(userActor))).code).toBe("forbidden");
    expect(await countRows(t.db())).toEqual(before);
    expect(await readSettings(t.db(), org.id)).toEqual({ ...defaults, version: 1 });
  });
});

describe("two administrators at once", () => {
  it("the save made from older values is refused, saying the settings changed meanwhile, and nothing of it is written", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db(), "Race");
    const second = await createAccount(t.db());
    const secondActor = await actorFor(t.db(), (await addMember(t.db(), org.id, second.id)).id);

    await updateSettings(actor, input(1, { invitationValidityDays: 14 }));
    const before = await countRows(t.db());
    const error = await rejection(updateSettings(secondActor, input(1, { minPasswordLength: 20 })));
    expect(error.code).toBe("settings.errors.changedMeanwhile");
    expect(await countRows(t.db())).toEqual(before);
    expect(await readSettings(t.db(), org.id)).toEqual({ ...defaults, invitationValidityDays: 14, version: 2 });

    const retried = await updateSettings(secondActor, input(2, { invitationValidityDays: 14, minPasswordLength: 20 }));
    expect(retried.settings).toEqual({ ...defaults, invitationValidityDays: 14, minPasswordLength: 20, version: 3 });
  });

  it("two saves from the same version at the same moment: exactly one wins", async () => {
    const { org, actor } = await createOrganizationWithOwner(t.db(), "Simultaneous");
    const second = await createAccount(t.db());
    const secondActor = await actorFor(t.db(), (await addMember(t.db(), org.id, second.id)).id);

    const results = await Promise.allSettled([
      updateSettings(actor, input(1, { invitationValidityDays: 3 })),
      updateSettings(secondActor, input(1, { invitationValidityDays: 21 })),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0]!.reason as DomainError).code).toBe("settings.errors.changedMeanwhile");
    const now = await readSettings(t.db(), org.id);
    expect(now.version).toBe(2);
    expect(await settingsAuditEvents(org.id)).toHaveLength(1);
  });

  it("the action answers the conflict in the reader's language", async () => {
    const { org, owner, actor } = await createOrganizationWithOwner(t.db(), "Conflict");
    await updateSettings(actor, input(1, { defaultLocale: "fr" }));
    await signInAs(owner.id, "fr");
    const result = await updateSettingsAction(org.slug, input(1));
    expect(result).toMatchObject({ ok: false, code: "settings.errors.changedMeanwhile" });
    expect(!result.ok && result.formError).toMatch(/^Quelqu’un d’autre a modifié ces paramètres/);
  });
});
