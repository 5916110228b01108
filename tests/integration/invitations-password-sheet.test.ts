import { eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { invitations } from "@/db/schema";
import { sendInvitations, type SentInvitation } from "@/lib/invitations/create";
import {
  claimPasswordSheet,
  renderPasswordSheet,
  sealPasswordSheet,
  PASSWORD_SHEET_TTL_MS,
} from "@/lib/invitations/password-sheet";
import { withTestDatabase } from "../support/db";
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
  formatDate: (d: Date) => d.toISOString(),
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
    const { actor, line, token } = await manualInvitation();
    const sheet = await claimPasswordSheet(actor, token);
    expect(sheet).toMatchObject({
      organizationName: "Café Crème",
      email: line.email,
      temporaryPassword: line.temporaryPassword,
      invitationId: line.invitationId,
    });
    expect(sheet.invitationUrl).toMatch(new RegExp(`/invite/${line.invitationId}\\?key=[A-Za-z0-9_-]{43}$`));
    const pdf = Buffer.from(await renderPasswordSheet(sheet, labels));
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const parsed = await PDFDocument.load(pdf);
    expect(parsed.getPageCount()).toBe(1);
    expect(parsed.getTitle()).toBe("Temporary password");

    await expectDomainError(claimPasswordSheet(actor, token), "invite-wizard.sheetUnavailable");
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

  it("renders names outside the PDF fonts' alphabet instead of failing", async () => {
    const pdf = await renderPasswordSheet(
      {
        organizationName: "東京 Ünïcode — Org",
        email: "a@example.com",
        temporaryPassword: "abcdefghijkmnpqr",
        invitationUrl: "http://localhost:3000/invite/x?key=y",
        invitationId: "x",
        invitationExpiresAt: new Date(),
      },
      labels,
    );
    expect(Buffer.from(pdf).subarray(0, 4).toString("latin1")).toBe("%PDF");
  });
});
