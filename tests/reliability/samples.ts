import type { IdentityName, World } from "./identities";

/**
 * For every server action of the build: either the arguments an administrator of the target
 * organization would send successfully (the matrix sends them as everyone else), or why the
 * action is public. An action of the build missing here fails the suite.
 */
type Fuzzing = {
  /**
   * Who must be refused, when not the default (org: every refused identity; account: anonymous,
   * temporary password, second step pending).
   */
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

const inviteOptions = {
  locale: "en",
  personalMessage: "Welcome aboard",
  accessExpiry: "",
  external: false,
  privileged: false,
};

const fuzzKey = { invitationId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11", key: "k".repeat(43) };
const newPasswords = { newPassword: "a brand new passphrase", confirmPassword: "a brand new passphrase" };
// Well-shaped WebAuthn responses (the server library then checks every byte of them).
const b64 = "AAAAAAAAAAAAAAAAAAAAAA";
const samplePasskeyRegistration = {
  id: b64,
  rawId: b64,
  type: "public-key",
  response: { clientDataJSON: b64, attestationObject: b64, transports: ["usb"] },
  clientExtensionResults: {},
};
const samplePasskeyAssertion = {
  id: b64,
  rawId: b64,
  type: "public-key",
  response: { clientDataJSON: b64, authenticatorData: b64, signature: b64 },
  clientExtensionResults: {},
};
const keyOf = (w: World) => ({ invitationId: w.invitation.id, key: w.invitation.key });

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
  "app/sign-in/actions.ts#signOutEverywhereAction": {
    kind: "public",
    reason: "ends the caller's own sessions only; without a valid session it only clears the cookie",
  },
  "app/orgs/actions.ts#createOrganizationAction": {
    kind: "account",
    args: () => [{ name: "Matrix Org" }],
    fuzz: { name: "Matrix Org" },
  },
  "app/o/[slug]/admin/settings/general/actions.ts#updateSettingsAction": org(
    () => ({
      version: 1,
      temporaryPasswordPolicy: "send",
      invitationValidityDays: 9,
      defaultLocale: "fr",
      allowedEmailDomains: "",
      minPasswordLength: 14,
      // An administrator held at enrollment must not be able to lift the requirement either.
      twoStepRequirement: "off",
    }),
    {
      version: 1,
      temporaryPasswordPolicy: "send",
      invitationValidityDays: 9,
      defaultLocale: "fr",
      allowedEmailDomains: "example.com",
      minPasswordLength: 14,
    },
  ),
  "app/o/[slug]/admin/settings/general/actions.ts#readSettingsAction": {
    kind: "org",
    args: (w) => [w.target.org.slug],
  },
  "app/o/[slug]/admin/users/invite/actions.ts#lookupInviteeAction": {
    ...org(() => ({ emails: "matrix.lookup@example.com" }), { emails: "fuzz@example.com" }),
    isValidationResult: (result) => {
      const r = result as { ok?: boolean; data?: { addresses?: { outcome: string }[] } };
      return r.ok === true && (r.data?.addresses ?? []).every((a) => a.outcome === "invalid");
    },
  },
  "app/o/[slug]/admin/users/invite/actions.ts#sendInviteAction": {
    ...org(
      () => ({
        idempotencyKey: crypto.randomUUID(),
        emails: `matrix.${crypto.randomUUID().slice(0, 8)}@example.com`,
        passwordDelivery: "email",
        options: inviteOptions,
      }),
      {
        idempotencyKey: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11",
        emails: "fuzz@example.com",
        passwordDelivery: "email",
        options: inviteOptions,
      },
    ),
    // Send Invite reports an address it cannot invite (no delivery chosen under Ask) per address.
    isValidationResult: (result) => {
      const r = result as { ok?: boolean; data?: { invitations?: { outcome: string }[] } };
      return r.ok === true && (r.data?.invitations ?? []).every((i) => i.outcome === "failed");
    },
  },
  "app/o/[slug]/admin/users/actions.ts#updateMemberAction": org(
    (w) => ({
      membershipId: w.members.user,
      role: "administrator",
      enabled: true,
      accessExpiresAt: "",
      tags: ["external"],
    }),
    {
      membershipId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11",
      role: "user",
      enabled: true,
      accessExpiresAt: "",
      tags: [],
    },
  ),
  "app/o/[slug]/admin/users/actions.ts#removeMemberAction": org((w) => ({ membershipId: w.members.user }), {
    membershipId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11",
  }),
  "app/o/[slug]/admin/users/actions.ts#transferOwnershipAction": org((w) => ({ membershipId: w.members.secondAdmin }), {
    membershipId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11",
  }),
  // The factors of the pending second step's account: resetting them would end its pending state too.
  "app/o/[slug]/admin/users/actions.ts#resetTwoStepAction": org((w) => ({ membershipId: w.members.pending }), {
    membershipId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11",
  }),
  "app/o/[slug]/admin/users/actions.ts#previewReinviteAction": org((w) => ({ invitationId: w.invitation.id }), {
    invitationId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11",
  }),
  // The settings say Ask (the default) and the invitation created its account: the choice is required.
  "app/o/[slug]/admin/users/actions.ts#reinviteAction": org(
    (w) => ({ invitationId: w.invitation.id, passwordDelivery: "manual" }),
    { invitationId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11", passwordDelivery: "manual" },
  ),
  "app/o/[slug]/admin/users/actions.ts#cancelInvitationAction": org((w) => ({ invitationId: w.invitation.id }), {
    invitationId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11",
  }),

  "app/invite/actions.ts#acceptInvitationAction": { kind: "account", args: (w) => [keyOf(w)], fuzz: fuzzKey },
  "app/invite/actions.ts#declineInvitationAction": { kind: "account", args: (w) => [keyOf(w)], fuzz: fuzzKey },
  "app/invite/actions.ts#openInvitationAction": {
    kind: "public",
    reason: "opens an invitation by its ID and key, typed by hand; wrong pairs are rate-limited",
    fuzz: fuzzKey,
  },
  "app/invite/actions.ts#verifyTemporaryPasswordAction": {
    kind: "public",
    reason: "the invitee proves the temporary password of an invitation whose key they hold; rate-limited",
    fuzz: { ...fuzzKey, temporaryPassword: "ABCDEFGHJKLMNPQR" },
  },
  "app/invite/actions.ts#completeNewAccountAction": {
    kind: "public",
    reason: "needs the invitation key and the temporary password; rate-limited",
    fuzz: { ...fuzzKey, temporaryPassword: "ABCDEFGHJKLMNPQR", ...newPasswords },
  },
  "app/invite/actions.ts#signInToAcceptAction": {
    kind: "public",
    reason: "sign-in on the invitation page",
    fuzz: { email: "ann@example.com", password: "whatever password" },
  },
  "app/invite/actions.ts#signOutToSwitchAction": { kind: "public", reason: "ends the caller's own session only" },
  "app/change-password/actions.ts#changePasswordAction": {
    kind: "account",
    args: () => [newPasswords],
    // Any signed-in account changes only its own password; without a session there is none.
    refusedFor: ["anonymous", "secondStepPending"],
    fuzz: newPasswords,
  },
  "app/forgot-password/actions.ts#forgotPasswordAction": {
    kind: "public",
    reason: "answers the same for any address; rate-limited",
    fuzz: { email: "ann@example.com" },
  },
  "app/o/[slug]/admin/settings/organization/actions.ts#renameOrganizationAction": org(() => ({ name: "Target Corp" }), {
    name: "Fuzz Corp",
  }),
  "app/o/[slug]/admin/settings/organization/actions.ts#changeOrganizationSlugAction": org(
    () => ({ slug: `target-${crypto.randomUUID().slice(0, 8)}` }),
    { slug: "fuzz-corp" },
  ),
  "app/o/[slug]/admin/settings/organization/actions.ts#deleteOrganizationAction": org(
    (w) => ({ confirmName: w.target.org.name }),
    {
      confirmName: "Fuzz Corp",
    },
  ),

  "app/account/actions.ts#updateAccountPreferencesAction": {
    kind: "account",
    args: () => [{ name: "Matrix Person", locale: "en", timeZone: "" }],
    fuzz: { name: "Matrix Person", locale: "en", timeZone: "Europe/Paris" },
  },
  "app/account/actions.ts#changeAccountPasswordAction": {
    kind: "account",
    args: () => [{ currentPassword: "correct horse battery staple", ...newPasswords }],
    fuzz: { currentPassword: "correct horse battery staple", ...newPasswords },
  },
  "app/account/security/actions.ts#renameFactorAction": {
    kind: "account",
    args: (w) => [{ factorId: w.twoStep.pendingFactorId, name: "Renamed phone" }],
    fuzz: { factorId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11", name: "Phone" },
  },
  "app/account/security/actions.ts#removeFactorAction": {
    kind: "account",
    args: (w) => [{ factorId: w.twoStep.pendingFactorId }],
    fuzz: { factorId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11" },
  },
  "app/account/security/actions.ts#regenerateRecoveryCodesAction": { kind: "account", args: () => [] },
  "app/two-step/setup/actions.ts#startTotpAction": { kind: "account", args: () => [] },
  "app/two-step/setup/actions.ts#confirmTotpAction": {
    kind: "account",
    args: (w) => [{ factorId: w.twoStep.pendingFactorId, code: "123456" }],
    fuzz: { factorId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11", code: "123456" },
  },
  "app/two-step/setup/actions.ts#passkeyOptionsAction": { kind: "account", args: () => [] },
  "app/two-step/setup/actions.ts#registerPasskeyAction": {
    kind: "account",
    args: () => [{ response: samplePasskeyRegistration, state: "sealed-state" }],
    fuzz: { response: samplePasskeyRegistration, state: "sealed-state" },
  },
  "app/sign-in/actions.ts#passkeySignInOptionsAction": {
    kind: "public",
    reason: "options for a passkey sign-in: a fresh challenge, sealed, naming no account",
  },
  "app/sign-in/actions.ts#passkeySignInAction": {
    kind: "public",
    reason: "sign-in with a passkey: needs an assertion signed by a registered credential; rate-limited",
    fuzz: { response: samplePasskeyAssertion, state: "sealed-state", callbackUrl: "/" },
  },
  "app/sign-in/two-step/actions.ts#verifySecondStepAction": {
    kind: "public",
    reason: "the second step: needs the sealed state of a password step and a factor of its account; rate-limited",
    fuzz: { method: "totp", code: "123456" },
  },
  "app/sign-in/two-step/actions.ts#secondStepPasskeyOptionsAction": {
    kind: "public",
    reason: "passkey options of the pending sign-in's own account: refused without its sealed state",
  },
  "app/sign-in/two-step/actions.ts#cancelSecondStepAction": {
    kind: "public",
    reason: "forgets the caller's own pending sign-in only",
  },
  "app/reset-password/actions.ts#resetPasswordAction": {
    kind: "public",
    reason: "needs a reset ID and key from the email",
    fuzz: { resetId: "6f1c2f7e-5d1a-4f8e-9a55-0a4a7c3c9b11", key: "k".repeat(43), ...newPasswords },
  },
};
