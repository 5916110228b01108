import { eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it, vi } from "vitest";
import { accounts, idempotencyRecords, invitations, spentPasswordSheets } from "@/db/schema";
import { sendInvitations, type SentInvitation } from "@/lib/invitations/create";
import {
  claimPasswordSheet,
  renderPasswordSheet,
  sealPasswordSheet,
  PASSWORD_SHEET_TTL_MS,
} from "@/lib/invitations/password-sheet";
import { usingPostgres, withTestDatabase } from "../support/db";
import { actorFor, addMember, createAccount, createOrganizationWithOwner, uniqueEmail } from "../support/factories";
import { expectDomainError, sendInput } from "./invitations-support";

const t = withTestDatabase();

const labels = {
  title: "Temporary password",
  organization: "Organization",
  email: "Email",
  temporaryPassword: "Temporary password",
  invitationLink: "Invitation link",
  invitationId: "Invitation ID",
  expires: "Valid until",
  instructions: "Open the link.",
};

async function manualInvitation() {
  const db = t.db();
  const setup = await createOrganizationWithOwner(db, "Café Crème");
  const result = await sendInvitations(setup.actor, sendInput(uniqueEmail(), { passwordDelivery: "manual" }));
  const line = result.invitations[0] as SentInvitation;
  return { ...setup, line, token: line.passwordSheetToken! };
}

describe("password sheet", () => {
  it("gives the inviter the sheet once, as a one-page PDF with the invitation's details", async () => {
    const db = t.db();
    const { actor, line, token } = await manualInvitation();
    const replayRecords = await db.$count(idempotencyRecords);
    const spentBefore = await db.select().from(spentPasswordSheets);
    const claimedAt = Date.now();
    const sheet = await claimPasswordSheet(actor, token);
    expect(sheet).toMatchObject({
      organizationName: "Café Crème",
      email: line.email,
      temporaryPassword: line.temporaryPassword,
      invitationId: line.invitationId,
      locale: "en",
      timeZone: "UTC",
    });
    expect(sheet.invitationUrl).toMatch(new RegExp(`/invite/${line.invitationId}\\?key=[A-Za-z0-9_-]{43}$`));
    const pdf = Buffer.from(await renderPasswordSheet(sheet, labels));
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const parsed = await PDFDocument.load(pdf);
    expect(parsed.getPageCount()).toBe(1);
    expect(parsed.getTitle()).toBe("Temporary password");

    await expectDomainError(claimPasswordSheet(actor, token), "invite-wizard.sheetUnavailable");
    // Burned in its own table, kept until the token would have expired; Send Invite's replay
    // records are left alone.
    expect(await db.$count(idempotencyRecords)).toBe(replayRecords);
    const spent = (await db.select().from(spentPasswordSheets)).filter(
      (row) => !spentBefore.some((before) => before.nonce === row.nonce),
    );
    expect(spent).toHaveLength(1);
    expect(spent[0]!.expiresAt.getTime()).toBeGreaterThan(claimedAt);
    expect(spent[0]!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + PASSWORD_SHEET_TTL_MS);
  });

  it("is refused to another administrator, another organization, after expiry, for a cancelled invitation and for a forged token", async () => {
    const db = t.db();
    const { actor, org, line, token } = await manualInvitation();
    const colleague = await createAccount(db);
    const colleagueActor = await actorFor(db, (await addMember(db, org.id, colleague.id)).id);
    const other = await createOrganizationWithOwner(db, "Other");
    await expectDomainError(claimPasswordSheet(colleagueActor, token), "invite-wizard.sheetUnavailable");
    await expectDomainError(claimPasswordSheet(other.actor, token), "invite-wizard.sheetUnavailable");
    await expectDomainError(claimPasswordSheet(actor, token.slice(0, -4) + "AAAA"), "invite-wizard.sheetUnavailable");

    const secret = {
      invitationId: line.invitationId,
      organizationId: org.id,
      inviterAccountId: actor.accountId,
      email: line.email,
      temporaryPassword: "x".repeat(16),
      key: "k",
      invitationExpiresAt: line.expiresAt,
    };
    await expectDomainError(
      claimPasswordSheet(actor, sealPasswordSheet(secret, Date.now() - PASSWORD_SHEET_TTL_MS - 1)),
      "invite-wizard.sheetUnavailable",
    );

    await db.update(invitations).set({ status: "revoked" }).where(eq(invitations.id, line.invitationId));
    await expectDomainError(claimPasswordSheet(actor, token), "invite-wizard.sheetUnavailable");
  });

  it("is in the invitation's language and the inviter's time zone, not the inviter's language", async () => {
    const db = t.db();
    const setup = await createOrganizationWithOwner(db, "Fromagerie");
    await db
      .update(accounts)
      .set({ locale: "en", timeZone: "Europe/Paris" })
      .where(eq(accounts.id, setup.actor.accountId));
    const result = await sendInvitations(
      setup.actor,
      sendInput(uniqueEmail(), { passwordDelivery: "manual", options: { locale: "fr" } }),
    );
    const line = result.invitations[0] as SentInvitation;
    const sheet = await claimPasswordSheet(setup.actor, line.passwordSheetToken!);
    expect(sheet).toMatchObject({ locale: "fr", timeZone: "Europe/Paris" });
  });

  it("renders names outside the PDF fonts' alphabet instead of failing", async () => {
    const pdf = await renderPasswordSheet(
      {
        organizationName: "東京 Ünïcode — Org",
        email: "a@example.com",
        temporaryPassword: "abcdefghijkmnpqr",
        invitationUrl: "http://localhost:3000/invite/x?key=y",
        invitationId: "x",
        invitationExpiresAt: new Date(),
        locale: "fr",
        timeZone: "UTC",
      },
      labels,
    );
    expect(Buffer.from(pdf).subarray(0, 4).toString("latin1")).toBe("%PDF");
  });
});

// Spent marks are pruned by the database's clock, so a server whose clock lags must not burn the
// same token again. PGlite runs in the server's process and reads the same (here faked) clock.
describe.runIf(usingPostgres)("password sheet, server and database clocks apart", () => {
  it("is refused once the database's clock has passed the token's expiry, however late the server's clock runs", async () => {
    const { actor, org, line } = await manualInvitation();
    const secret = {
      invitationId: line.invitationId,
      organizationId: org.id,
      inviterAccountId: actor.accountId,
      email: line.email,
      temporaryPassword: "x".repeat(16),
      key: "k",
      invitationExpiresAt: line.expiresAt,
    };
    const realNow = Date.now();
    const expired = sealPasswordSheet(secret, realNow - PASSWORD_SHEET_TTL_MS - 60_000);
    const fresh = sealPasswordSheet(secret, realNow);
    vi.useFakeTimers({ toFake: ["Date"], now: realNow - PASSWORD_SHEET_TTL_MS - 30_000 });
    try {
      await expectDomainError(claimPasswordSheet(actor, expired), "invite-wizard.sheetUnavailable");
      await expect(claimPasswordSheet(actor, fresh)).resolves.toMatchObject({ invitationId: line.invitationId });
    } finally {
      vi.useRealTimers();
    }
  });
});
