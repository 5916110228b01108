import "server-only";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { env } from "@/lib/env";

/** A registered credential as the options name it: its id (base64url) and how it is reached. */
export type CredentialDescriptor = { id: string; transports?: string[] };

/** The relying party: the id is APP_URL's host name, the origin its scheme, host and port. */
export function relyingParty(appUrl: string = env.APP_URL): { rpID: string; origin: string; rpName: string } {
  const url = new URL(appUrl);
  return { rpID: url.hostname, origin: url.origin, rpName: "Gatehouse" };
}

/** An account id (a UUID) as the 16 bytes WebAuthn stores as the user handle. */
export function userHandleOf(accountId: string): Uint8Array<ArrayBuffer> {
  const hex = accountId.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error("an account id is a UUID");
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** The account id a user handle (base64url, as a response carries it) stands for; null if it is not one. */
export function accountIdOfUserHandle(userHandle: string | undefined): string | null {
  if (!userHandle) return null;
  const hex = Buffer.from(userHandle, "base64url").toString("hex");
  if (hex.length !== 32) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Options for registering a passkey: discoverable when the authenticator can (so it can be the
 * only step), the account's existing credentials excluded so one authenticator is not added twice.
 */
export function buildRegistrationOptions(input: {
  accountId: string;
  email: string;
  name: string;
  exclude: CredentialDescriptor[];
  appUrl?: string;
}): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = relyingParty(input.appUrl);
  return generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userID: userHandleOf(input.accountId),
    userName: input.email,
    userDisplayName: input.name,
    attestationType: "none",
    excludeCredentials: input.exclude,
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
}

/**
 * Options for signing in with a passkey: the account's credentials when the account is known (the
 * second step), none for a passkey-only sign-in, where the authenticator offers its discoverable ones.
 */
export function buildAuthenticationOptions(
  allow: CredentialDescriptor[] | null,
  appUrl?: string,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: relyingParty(appUrl).rpID,
    allowCredentials: allow ?? [],
    // Alone, the passkey is the whole sign-in: the authenticator must verify its user (PIN, biometrics).
    userVerification: allow === null ? "required" : "preferred",
  });
}
