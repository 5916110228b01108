import type { IdentityName, World } from "./identities";

/**
 * For every server action of the build: either the arguments an administrator of the target
 * organization would send successfully (the matrix sends them as everyone else), or why the
 * action is public. An action of the build missing here fails the suite.
 */
type Fuzzing = {
  /** Who must be refused, when not the default (org: all six; account: anonymous, temporary password). */
  refusedFor?: IdentityName[];
  /** A well-formed input the fuzzer breaks in many ways. */
  fuzz?: Record<string, unknown>;
  /** For an action that reports invalid input inside a successful answer (the lookup's per-address verdicts). */
  isValidationResult?: (result: unknown) => boolean;
};

export type Sample =
  | ({ kind: "org"; args: (world: World) => unknown[] } & Fuzzing)
  | ({ kind: "account"; args: (world: World) => unknown[] } & Fuzzing)
  | ({ kind: "public"; reason: string } & Fuzzing);

const inviteOptions = { locale: "en", personalMessage: "Welcome aboard", accessExpiry: "", external: false, privileged: false };

const org = (input: (w: World) => Record<string, unknown>, fuzz: Record<string, unknown>): Sample => ({
  kind: "org",
  args: (w) => [w.target.org.slug, input(w)],
  fuzz,
});

export const samples: Record<string, Sample> = {
  "app/setup/actions.ts#setupAction": {
    kind: "public",
    reason: "first run: anyone may call it until the first organization exists, then it refuses everyone",
    fuzz: { organizationName: "Acme", name: "Ann", email: "ann@example.com", password: "a long enough password" },
  },
  "app/sign-in/actions.ts#signInAction": {
    kind: "public",
    reason: "sign-in",
    fuzz: { email: "ann@example.com", password: "whatever password" },
  },
  "app/sign-in/actions.ts#signOutAction": { kind: "public", reason: "ends the caller's own session only" },
  "app/orgs/actions.ts#createOrganizationAction": {
    kind: "account",
    args: () => [{ name: "Matrix Org" }],
    fuzz: { name: "Matrix Org" },
  },
  "app/o/[slug]/admin/settings/general/actions.ts#updateSettingsAction": org(
    () => ({ version: 1, temporaryPasswordPolicy: "send", invitationValidityDays: 9, defaultLocale: "fr", allowedEmailDomains: "", minPasswordLength: 14 }),
    { version: 1, temporaryPasswordPolicy: "send", invitationValidityDays: 9, defaultLocale: "fr", allowedEmailDomains: "example.com", minPasswordLength: 14 },
  ),
  "app/o/[slug]/admin/settings/general/actions.ts#readSettingsAction": { kind: "org", args: (w) => [w.target.org.slug] },
  "app/o/[slug]/admin/users/invite/actions.ts#lookupInviteeAction": {
    ...org(() => ({ emails: "matrix.lookup@example.com" }), { emails: "fuzz@example.com" }),
    isValidationResult: (result) => {
      const r = result as { ok?: boolean; data?: { addresses?: { outcome: string }[] } };
      return r.ok === true && (r.data?.addresses ?? []).every((a) => a.outcome === "invalid");
    },
  },
  "app/o/[slug]/admin/users/invite/actions.ts#sendInviteAction": org(
    () => ({ idempotencyKey: crypto.randomUUID(), emails: `matrix.${crypto.randomUUID().slice(0, 8)}@example.com`, passwordDelivery: "email", options: inviteOptions }),
    { idempotencyKey: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11", emails: "fuzz@example.com", passwordDelivery: "email", options: inviteOptions },
  ),
};
