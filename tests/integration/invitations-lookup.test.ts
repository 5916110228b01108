import { describe, expect, it } from "vitest";
import { lookupInvitee } from "@/lib/invitations/lookup";
import { sendInvitations } from "@/lib/invitations/create";
import { withTestDatabase } from "../support/db";
import { actorFor, addMember, countRows, createAccount, createOrganizationWithOwner, uniqueEmail } from "../support/factories";
import { expectDomainError, sendInput, setSettings } from "./invitations-support";

const t = withTestDatabase();

describe("lookupInvitee", () => {
  it("names an existing account and the organization it will join", async () => {
    const db = t.db();
    const { actor } = await createOrganizationWithOwner(db, "Northwind");
    const account = await createAccount(db, { name: "Ada Lovelace", locale: "fr" });
    const result = await lookupInvitee(actor, { emails: `  ${account.email.toUpperCase()} ` });
    expect(result.organizationName).toBe("Northwind");
    expect(result.addresses).toEqual([{ email: account.email.toUpperCase(), outcome: "existing", accountName: "Ada Lovelace", accountLocale: "fr" }]);
  });

  it("says an account will be created for an unknown address, with the password policy of the moment", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    const email = uniqueEmail("new");
    expect(await lookupInvitee(actor, { emails: email })).toMatchObject({ passwordPolicy: "ask", defaultLocale: "en", addresses: [{ email, outcome: "new" }] });
    await setSettings(db, org.id, { temporaryPasswordPolicy: "not_send", defaultLocale: "fr" });
    expect(await lookupInvitee(actor, { emails: email })).toMatchObject({ passwordPolicy: "not_send", defaultLocale: "fr" });
  });

  it("refuses active and disabled members", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    const active = await createAccount(db);
    const disabled = await createAccount(db);
    await addMember(db, org.id, active.id, { role: "user" });
    await addMember(db, org.id, disabled.id, { status: "disabled" });
    const result = await lookupInvitee(actor, { emails: `${active.email}, ${disabled.email}, ${actor.email}` });
    expect(result.addresses.map((a) => a.outcome)).toEqual(["member", "member", "member"]);
  });

  it("points to the pending invitation of an address already invited", async () => {
    const db = t.db();
    const { actor } = await createOrganizationWithOwner(db);
    const existing = await createAccount(db);
    const sent = await sendInvitations(actor, sendInput(existing.email));
    const invitationId = sent.invitations[0]?.outcome === "sent" ? sent.invitations[0].invitationId : "";
    expect((await lookupInvitee(actor, { emails: existing.email })).addresses).toEqual([{ email: existing.email, outcome: "pending", invitationId }]);
  });

  it("flags malformed addresses and domains outside the allowed ones", async () => {
    const db = t.db();
    const { actor, org } = await createOrganizationWithOwner(db);
    await setSettings(db, org.id, { allowedEmailDomains: ["example.com"] });
    const result = await lookupInvitee(actor, { emails: "not-an-address; someone@elsewhere.org; fine@EXAMPLE.com" });
    expect(result.addresses.map((a) => [a.email, a.outcome])).toEqual([
      ["not-an-address", "invalid"],
      ["someone@elsewhere.org", "domainNotAllowed"],
      ["fine@EXAMPLE.com", "new"],
    ]);
  });

  it("splits on commas and semicolons, trims, and collapses duplicates whatever their case", async () => {
    const db = t.db();
    const { actor } = await createOrganizationWithOwner(db);
    const result = await lookupInvitee(actor, { emails: " Ana@Example.com ;bo@example.com,, ana@example.COM ; " });
    expect(result.addresses.map((a) => a.email)).toEqual(["Ana@Example.com", "bo@example.com"]);
  });

  it("is refused to a user member and to an actor of another organization, writing nothing", async () => {
    const db = t.db();
    const { org, actor: owner } = await createOrganizationWithOwner(db);
    const other = await createOrganizationWithOwner(db, "Other");
    const user = await createAccount(db);
    const userActor = await actorFor(db, (await addMember(db, org.id, user.id, { role: "user" })).id);
    const before = await countRows(db);
    await expectDomainError(lookupInvitee(userActor, { emails: uniqueEmail() }), "forbidden");
    await expectDomainError(lookupInvitee({ ...other.actor, organizationId: org.id, organizationName: org.name }, { emails: uniqueEmail() }), "forbidden");
    await expectDomainError(lookupInvitee({ ...owner, role: "user" }, { emails: uniqueEmail() }), "forbidden");
    expect(await countRows(db)).toEqual(before);
  });
});
