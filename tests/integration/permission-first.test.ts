import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { createTranslator } from "next-intl";
import { beforeAll, describe, expect, it } from "vitest";
import { queryCounter } from "@/db/query-counter";
import { memberships } from "@/db/schema";
import { auditCsvStream } from "@/lib/audit/export";
import { auditEventBatches, listAuditActors, listAuditEvents } from "@/lib/audit/list";
import type { AuditTranslator } from "@/lib/audit/present";
import { assertCan, type Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import { loadMessages } from "@/lib/i18n/messages";
import { sendInvitations } from "@/lib/invitations/create";
import { lookupInvitee } from "@/lib/invitations/lookup";
import { cancelInvitation, previewReinvite, reinvite } from "@/lib/invitations/manage";
import { claimPasswordSheet, sealPasswordSheet } from "@/lib/invitations/password-sheet";
import { getMemberDetail } from "@/lib/members/detail";
import { listMembers } from "@/lib/members/list";
import { removeMember, transferOwnership, updateMember } from "@/lib/members/manage";
import { changeOrganizationSlug, deleteOrganization, renameOrganization } from "@/lib/organizations/manage";
import { getSettings } from "@/lib/settings/read";
import { updateSettings } from "@/lib/settings/update";
import { resetFactors } from "@/lib/two-step/reset";
import { withTestDatabase } from "../support/db";
import { actorFor, addMember, createAccount, createOrganizationWithOwner, uniqueEmail } from "../support/factories";
import { sendInput } from "./invitations-support";

// Every domain function that takes an actor checks the permission before anything else: a member
// without it learns nothing, locks nothing and costs no hashing. Counting the queries of the
// refused call proves it; the same call by the organization's owner is the positive control that
// the counter sees the function's queries at all.

const t = withTestDatabase();

const en = createTranslator({
  locale: "en",
  messages: loadMessages("en"),
  namespace: "audit",
}) as unknown as AuditTranslator;

type World = { owner: Actor; user: Actor; invitationId: string };
let world: World;

beforeAll(async () => {
  const { org, actor: owner } = await createOrganizationWithOwner(t.db(), "Permission First");
  const account = await createAccount(t.db(), { name: "Uma User" });
  const membership = await addMember(t.db(), org.id, account.id, { role: "user" });
  world = { owner, user: await actorFor(t.db(), membership.id), invitationId: randomUUID() };
});

/** A password sheet token as Send Invite seals it for `inviter`: everything but the permission checks out. */
function sheetToken(inviter: Actor): string {
  return sealPasswordSheet({
    invitationId: world.invitationId,
    organizationId: inviter.organizationId,
    inviterAccountId: inviter.accountId,
    email: uniqueEmail("sheet"),
    temporaryPassword: "Temporary-Password-1",
    key: "k".repeat(32),
    invitationExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
}

async function readCsv(actor: Actor): Promise<void> {
  const reader = auditCsvStream(actor, {}, { timeZone: "UTC", t: en }).getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read());
}

// Each call is made once by a user member and once by the owner, with the same arguments. The
// owner's calls are chosen to change nothing that a later row relies on.
const calls: [name: string, call: (actor: Actor) => Promise<unknown>][] = [
  ["listAuditEvents", (actor) => listAuditEvents(actor, {})],
  ["auditEventBatches", (actor) => auditEventBatches(actor, {}).next()],
  ["listAuditActors", (actor) => listAuditActors(actor)],
  ["auditCsvStream", (actor) => readCsv(actor)],
  ["sendInvitations", (actor) => sendInvitations(actor, sendInput("not-an-address"))],
  ["lookupInvitee", (actor) => lookupInvitee(actor, { emails: uniqueEmail("lookup") })],
  ["previewReinvite", (actor) => previewReinvite(actor, { invitationId: world.invitationId })],
  ["reinvite", (actor) => reinvite(actor, { invitationId: world.invitationId })],
  ["cancelInvitation", (actor) => cancelInvitation(actor, { invitationId: world.invitationId })],
  ["claimPasswordSheet", (actor) => claimPasswordSheet(actor, sheetToken(actor))],
  ["getMemberDetail", (actor) => getMemberDetail(actor, world.user.membershipId)],
  ["listMembers", (actor) => listMembers(actor, { q: "", page: 1 })],
  [
    "updateMember",
    (actor) =>
      updateMember(actor, {
        membershipId: world.user.membershipId,
        role: "user",
        enabled: true,
        accessExpiresAt: "",
        tags: [],
      }),
  ],
  ["removeMember", (actor) => removeMember(actor, { membershipId: randomUUID() })],
  ["transferOwnership", (actor) => transferOwnership(actor, { membershipId: randomUUID() })],
  ["renameOrganization", (actor) => renameOrganization(actor, { name: "Permission First" })],
  ["changeOrganizationSlug", (actor) => changeOrganizationSlug(actor, { slug: actor.organizationSlug })],
  ["deleteOrganization", (actor) => deleteOrganization(actor, { confirmName: "Not The Name" })],
  ["getSettings", (actor) => getSettings(actor)],
  [
    "updateSettings",
    (actor) =>
      updateSettings(actor, {
        version: 2 ** 31 - 1,
        temporaryPasswordPolicy: "ask",
        invitationValidityDays: 7,
        defaultLocale: "en",
        allowedEmailDomains: [],
        minPasswordLength: 12,
      }),
  ],
  ["resetFactors", (actor) => resetFactors(actor, randomUUID())],
];

/** The call's outcome (its error, if any) and how many queries it issued. */
async function counted(call: () => Promise<unknown>): Promise<{ error: unknown; queries: number }> {
  const { result: error, queries } = await queryCounter.count(() =>
    call().then(
      () => null,
      (e: unknown) => e,
    ),
  );
  return { error, queries };
}

// A function written the other way round, to show that the count sees a read made before the check.
async function readsBeforeChecking(actor: Actor): Promise<unknown> {
  await t.db().select({ id: memberships.id }).from(memberships).where(eq(memberships.id, actor.membershipId));
  assertCan(actor, "members:read");
  return null;
}

describe("permission first", () => {
  it("a refusal that comes after a read is counted (positive control of the count)", async () => {
    const refused = await counted(() => readsBeforeChecking(world.user));
    expect((refused.error as DomainError).code).toBe("forbidden");
    expect(refused.queries).toBe(1);
  });

  it.each(calls)("%s refuses a user member before its first query", async (_name, call) => {
    const refused = await counted(() => call(world.user));
    expect(refused.error).toBeInstanceOf(DomainError);
    expect((refused.error as DomainError).code).toBe("forbidden");
    expect(refused.queries).toBe(0);

    // Positive control: the owner's same call is not refused, and the counter sees its queries.
    const permitted = await counted(() => call(world.owner));
    if (permitted.error !== null) {
      expect(permitted.error).toBeInstanceOf(DomainError);
      expect((permitted.error as DomainError).code).not.toBe("forbidden");
    }
    expect(permitted.queries).toBeGreaterThan(0);
  });
});
