import { describe, expect, it } from "vitest";
import { CHALLENGE_LIFETIME_MS, openChallenge, sealChallenge } from "@/lib/two-step/challenge-state";
import {
  accountIdOfUserHandle,
  buildAuthenticationOptions,
  buildRegistrationOptions,
  relyingParty,
  userHandleOf,
} from "@/lib/two-step/webauthn-options";

const ACCOUNT = "7d1c1f9e-0a2b-4c3d-8e4f-5a6b7c8d9e0f";

describe("the relying party", () => {
  it("takes its id from APP_URL's host name and its origin from APP_URL", () => {
    expect(relyingParty("https://console.acme.example:8443/base")).toEqual({
      rpID: "console.acme.example",
      origin: "https://console.acme.example:8443",
      rpName: "Gatehouse",
    });
    expect(relyingParty("http://localhost:3000")).toMatchObject({ rpID: "localhost", origin: "http://localhost:3000" });
  });
});

describe("registration options", () => {
  it("name the relying party, the account's id bytes as user id, and exclude its existing credentials", async () => {
    const options = await buildRegistrationOptions({
      accountId: ACCOUNT,
      email: "ines@acme.example",
      name: "Ines",
      exclude: [{ id: "Y3JlZC0x", transports: ["usb"] }, { id: "Y3JlZC0y" }],
      appUrl: "https://console.acme.example",
    });
    expect(options.rp).toEqual({ id: "console.acme.example", name: "Gatehouse" });
    expect(Buffer.from(options.user.id, "base64url").toString("hex")).toBe(ACCOUNT.replace(/-/g, ""));
    expect(options.user.name).toBe("ines@acme.example");
    expect(options.user.displayName).toBe("Ines");
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual(["Y3JlZC0x", "Y3JlZC0y"]);
    expect(options.authenticatorSelection?.residentKey).toBe("preferred");
    expect(options.attestation).toBe("none");
    expect(options.challenge.length).toBeGreaterThanOrEqual(32);
  });

  it("carry a fresh challenge each time", async () => {
    const input = { accountId: ACCOUNT, email: "a@acme.example", name: "A", exclude: [] };
    expect((await buildRegistrationOptions(input)).challenge).not.toBe(
      (await buildRegistrationOptions(input)).challenge,
    );
  });

  it("map the user handle back to the account id, and refuse what is not one", () => {
    const handle = Buffer.from(userHandleOf(ACCOUNT)).toString("base64url");
    expect(accountIdOfUserHandle(handle)).toBe(ACCOUNT);
    expect(accountIdOfUserHandle(Buffer.from("short").toString("base64url"))).toBeNull();
    expect(accountIdOfUserHandle(undefined)).toBeNull();
    expect(() => userHandleOf("not-a-uuid")).toThrow();
  });
});

describe("authentication options", () => {
  it("list the account's credentials for the second step", async () => {
    const options = await buildAuthenticationOptions(
      [{ id: "Y3JlZC0x", transports: ["internal"] }],
      "https://console.acme.example",
    );
    expect(options.rpId).toBe("console.acme.example");
    expect(options.allowCredentials).toEqual([{ id: "Y3JlZC0x", type: "public-key", transports: ["internal"] }]);
  });

  it("list none for a passkey-only sign-in, so the authenticator offers its discoverable credentials", async () => {
    const options = await buildAuthenticationOptions(null, "https://console.acme.example");
    expect(options.allowCredentials ?? []).toEqual([]);
  });
});

describe("the sealed challenge state", () => {
  it("opens for its purpose within five minutes, with its account and challenge", () => {
    const now = Date.now();
    const sealed = sealChallenge("passkey-registration", ACCOUNT, "the-challenge", now);
    expect(sealed).not.toContain("the-challenge");
    expect(openChallenge(sealed, "passkey-registration", now + 60_000)).toMatchObject({
      purpose: "passkey-registration",
      accountId: ACCOUNT,
      challenge: "the-challenge",
    });
  });

  it("refuses another purpose, an expired state and an altered one", () => {
    const now = Date.now();
    const sealed = sealChallenge("passkey-registration", ACCOUNT, "c", now);
    expect(openChallenge(sealed, "passkey-authentication", now)).toBeNull();
    expect(openChallenge(sealed, "passkey-registration", now + CHALLENGE_LIFETIME_MS)).toBeNull();
    const parts = sealed.split(".");
    parts[3] = Buffer.from("{}").toString("base64url");
    expect(openChallenge(parts.join("."), "passkey-registration", now)).toBeNull();
    expect(openChallenge("garbage", "passkey-registration", now)).toBeNull();
  });

  it("carries no account for a passkey-only sign-in", () => {
    const sealed = sealChallenge("passkey-authentication", null, "c");
    expect(openChallenge(sealed, "passkey-authentication")?.accountId).toBeNull();
  });
});
