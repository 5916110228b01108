import type { World } from "./identities";

/**
 * For every server action of the build: either the arguments an administrator of the target
 * organization would send successfully (the matrix sends them as everyone else), or why the
 * action is public. An action of the build missing here fails the suite.
 */
export type Sample =
  | { kind: "org"; args: (world: World) => unknown[]; fuzz: Record<string, unknown> }
  | { kind: "account"; args: (world: World) => unknown[]; fuzz: Record<string, unknown> }
  | { kind: "public"; reason: string; fuzz?: Record<string, unknown> };

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
};

export { org };
