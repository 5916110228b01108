import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { PDFDocument, StandardFonts, rgb, type PDFFont } from "pdf-lib";
import { getDb } from "@/db/client";
import { invitations, spentPasswordSheets } from "@/db/schema";
import { lockActor, type Actor } from "@/lib/auth/actor";
import { openSecret, sealSecret } from "@/lib/email/secret-box";
import { DomainError } from "@/lib/errors";
import { invitationUrl } from "./links";

/**
 * The password sheet: a one-page PDF the inviter downloads when a temporary password is not
 * emailed. The server keeps nothing in the clear for it: the send result carries a sealed
 * (AES-256-GCM), short-lived token; downloading burns its nonce, so it works once.
 */
export const PASSWORD_SHEET_TTL_MS = 10 * 60 * 1000;

type SheetSecret = {
  invitationId: string;
  organizationId: string;
  inviterAccountId: string;
  email: string;
  temporaryPassword: string;
  key: string;
  invitationExpiresAt: string;
};

type SealedSheet = SheetSecret & { purpose: "password-sheet"; exp: number; nonce: string };

export function sealPasswordSheet(secret: SheetSecret, now = Date.now()): string {
  const sealed: SealedSheet = {
    ...secret,
    purpose: "password-sheet",
    exp: now + PASSWORD_SHEET_TTL_MS,
    nonce: randomUUID(),
  };
  return sealSecret(JSON.stringify(sealed));
}

const unavailable = () => new DomainError("invite-wizard.sheetUnavailable", { status: 404 });

function openSheet(token: string): SealedSheet {
  try {
    const parsed = JSON.parse(openSecret(token)) as Partial<SealedSheet>;
    if (parsed.purpose !== "password-sheet" || typeof parsed.exp !== "number" || typeof parsed.nonce !== "string")
      throw unavailable();
    return parsed as SealedSheet;
  } catch {
    throw unavailable();
  }
}

export type PasswordSheet = {
  organizationName: string;
  email: string;
  temporaryPassword: string;
  invitationUrl: string;
  invitationId: string;
  invitationExpiresAt: Date;
};

/**
 * For the member with `invitations:manage` who sent the invitation, within ten minutes, once:
 * the content of the password sheet of a still-pending invitation. A second call, another
 * member, another organization or an expired token get `sheetUnavailable`.
 */
export async function claimPasswordSheet(actor: Actor, token: string): Promise<PasswordSheet> {
  const sheet = openSheet(token);
  if (
    sheet.organizationId !== actor.organizationId ||
    sheet.inviterAccountId !== actor.accountId ||
    sheet.exp <= Date.now()
  ) {
    throw unavailable();
  }
  const db = await getDb();
  return db.transaction(async (tx) => {
    await lockActor(tx, actor, "invitations:manage");
    // Burned once, and only while unexpired by the database's clock: the worker prunes spent
    // nonces by that clock, so a token whose nonce is gone can no longer be burned again.
    const expiresAt = new Date(sheet.exp).toISOString();
    const burned = await tx
      .insert(spentPasswordSheets)
      .select(sql`select ${sheet.nonce}::uuid, ${expiresAt}::timestamptz where ${expiresAt}::timestamptz > now()`)
      .onConflictDoNothing()
      .returning({ nonce: spentPasswordSheets.nonce });
    if (burned.length === 0) throw unavailable();
    const [invitation] = await tx
      .select({ id: invitations.id })
      .from(invitations)
      .where(
        and(
          eq(invitations.id, sheet.invitationId),
          eq(invitations.organizationId, actor.organizationId),
          eq(invitations.status, "pending"),
        ),
      );
    if (!invitation) throw unavailable();
    return {
      organizationName: actor.organizationName,
      email: sheet.email,
      temporaryPassword: sheet.temporaryPassword,
      invitationUrl: invitationUrl(sheet.invitationId, sheet.key),
      invitationId: sheet.invitationId,
      invitationExpiresAt: new Date(sheet.invitationExpiresAt),
    };
  });
}

export type PasswordSheetLabels = {
  title: string;
  organization: string;
  email: string;
  temporaryPassword: string;
  invitationLink: string;
  invitationId: string;
  expires: string;
  instructions: string;
  formatDate: (date: Date) => string;
};

// The standard fonts encode WinAnsi only: anything else (an organization named in another script)
// is replaced rather than failing the download.
function encodable(font: PDFFont, text: string): string {
  const supported = new Set(font.getCharacterSet());
  return Array.from(text, (c) => (supported.has(c.codePointAt(0) ?? 0) ? c : "?")).join("");
}

function wrap(font: PDFFont, text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const char of text) {
    if (font.widthOfTextAtSize(line + char, size) > width && line) {
      lines.push(line);
      line = "";
    }
    line += char;
  }
  if (line) lines.push(line);
  return lines;
}

/** The one-page PDF of a password sheet. */
export async function renderPasswordSheet(sheet: PasswordSheet, labels: PasswordSheetLabels): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(labels.title);
  pdf.setCreator("Gatehouse");
  const page = pdf.addPage([595.28, 841.89]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const mono = await pdf.embedFont(StandardFonts.Courier);
  const margin = 56;
  const width = page.getWidth() - 2 * margin;
  let y = page.getHeight() - margin;

  const draw = (text: string, font: PDFFont, size: number, color = rgb(0.1, 0.1, 0.15)) => {
    for (const line of wrap(font, encodable(font, text), size, width)) {
      y -= size * 1.35;
      page.drawText(line, { x: margin, y, size, font, color });
    }
  };

  draw(labels.title, bold, 20);
  y -= 12;
  const rows: [string, string, PDFFont][] = [
    [labels.organization, sheet.organizationName, regular],
    [labels.email, sheet.email, regular],
    [labels.temporaryPassword, sheet.temporaryPassword, mono],
    [labels.invitationLink, sheet.invitationUrl, mono],
    [labels.invitationId, sheet.invitationId, mono],
    [labels.expires, labels.formatDate(sheet.invitationExpiresAt), regular],
  ];
  for (const [label, value, font] of rows) {
    y -= 10;
    draw(label, bold, 10, rgb(0.35, 0.35, 0.4));
    draw(value, font, font === mono ? 12 : 13);
  }
  y -= 18;
  draw(labels.instructions, regular, 11);
  return pdf.save();
}
