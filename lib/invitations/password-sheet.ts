import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { PDFDocument, StandardFonts, rgb, type PDFFont } from "pdf-lib";
import { getDb } from "@/db/client";
import { accounts, invitations, spentPasswordSheets } from "@/db/schema";
import { assertCan, lockActor, type Actor } from "@/lib/auth/actor";
import { openSecret, sealSecret } from "@/lib/email/secret-box";
import { DomainError } from "@/lib/errors";
import type { AppLocale } from "@/lib/i18n/config";
import { dateFormatter } from "@/lib/i18n/formatters";
import { validTimeZone } from "@/lib/i18n/time-zone";
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
  /** The invitation's language: the sheet is for the invitee, like the email. */
  locale: AppLocale;
  /** The inviter's time zone when their account names one, else UTC. */
  timeZone: string;
};

/**
 * For the member with `invitations:manage` who sent the invitation, within ten minutes, once:
 * the content of the password sheet of a still-pending invitation. A second call, another
 * member, another organization or an expired token get `sheetUnavailable`.
 */
export async function claimPasswordSheet(actor: Actor, token: string): Promise<PasswordSheet> {
  assertCan(actor, "invitations:manage");
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
      .select({ id: invitations.id, locale: invitations.locale, timeZone: accounts.timeZone })
      .from(invitations)
      .innerJoin(accounts, eq(accounts.id, actor.accountId))
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
      locale: invitation.locale,
      timeZone: invitation.timeZone ?? "UTC",
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
};

/**
 * The expiry as the sheet states it, like the emails: date, 24-hour time and the zone's name
 * ("December 8, 2026 at 14:30 UTC"), in the sheet's language. An unknown zone falls back to UTC.
 */
export function formatSheetExpiry(date: Date, locale: AppLocale, timeZone: string): string {
  const tag = locale === "fr" ? "fr-FR" : "en-US";
  return dateFormatter(tag, validTimeZone(timeZone) ?? "UTC", "momentWithZone").format(date);
}

export type SheetRow = { label: string; value: string; code: boolean };

/** The sheet's label/value rows, in order; `code` values are set in a fixed-width font. */
export function passwordSheetRows(sheet: PasswordSheet, labels: PasswordSheetLabels): SheetRow[] {
  return [
    { label: labels.organization, value: sheet.organizationName, code: false },
    { label: labels.email, value: sheet.email, code: false },
    { label: labels.temporaryPassword, value: sheet.temporaryPassword, code: true },
    { label: labels.invitationLink, value: sheet.invitationUrl, code: true },
    { label: labels.invitationId, value: sheet.invitationId, code: true },
    {
      label: labels.expires,
      value: formatSheetExpiry(sheet.invitationExpiresAt, sheet.locale, sheet.timeZone),
      code: false,
    },
  ];
}

// The standard fonts encode WinAnsi only: anything else (an organization named in another script)
// is replaced rather than failing the download.
function encodable(font: PDFFont, text: string): string {
  const supported = new Set(font.getCharacterSet());
  return Array.from(text, (c) => (supported.has(c.codePointAt(0) ?? 0) ? c : "?")).join("");
}

/**
 * A word wider than the line, in pieces that fit: cut before `@` and after `.`, `/`, `?`, `&`,
 * `=` or `-` where it can, and between characters only where a piece has none of those.
 */
function breakWord(word: string, maxWidth: number, measure: (text: string) => number): string[] {
  const parts = word.split(/(?=@)|(?<=[./?&=-])/);
  const pieces: string[] = [];
  let piece = "";
  for (const part of parts) {
    if (measure(piece + part) <= maxWidth) {
      piece += part;
      continue;
    }
    if (piece) pieces.push(piece);
    piece = "";
    for (const char of part) {
      if (piece && measure(piece + char) > maxWidth) {
        pieces.push(piece);
        piece = "";
      }
      piece += char;
    }
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/**
 * `text` in lines no wider than `maxWidth`, broken between words; a word wider than a line on its
 * own is broken at its `@` and `.` first (see `breakWord`).
 */
export function wrapText(text: string, maxWidth: number, measure: (text: string) => number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = "";
    if (measure(word) <= maxWidth) {
      line = word;
      continue;
    }
    const pieces = breakWord(word, maxWidth, measure);
    lines.push(...pieces.slice(0, -1));
    line = pieces.at(-1) ?? "";
  }
  if (line) lines.push(line);
  return lines;
}

/** The one-page PDF of a password sheet, in the invitation's language (the caller's labels). */
export async function renderPasswordSheet(sheet: PasswordSheet, labels: PasswordSheetLabels): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(labels.title);
  pdf.setCreator("Gatehouse");
  pdf.setLanguage(sheet.locale);
  const page = pdf.addPage([595.28, 841.89]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const mono = await pdf.embedFont(StandardFonts.Courier);
  const margin = 56;
  const width = page.getWidth() - 2 * margin;
  let y = page.getHeight() - margin;

  const draw = (text: string, font: PDFFont, size: number, color = rgb(0.1, 0.1, 0.15)) => {
    for (const line of wrapText(encodable(font, text), width, (t) => font.widthOfTextAtSize(t, size))) {
      y -= size * 1.35;
      page.drawText(line, { x: margin, y, size, font, color });
    }
  };

  draw(labels.title, bold, 20);
  y -= 12;
  for (const row of passwordSheetRows(sheet, labels)) {
    y -= 10;
    draw(row.label, bold, 10, rgb(0.35, 0.35, 0.4));
    draw(row.value, row.code ? mono : regular, row.code ? 12 : 13);
  }
  y -= 18;
  draw(labels.instructions, regular, 11);
  return pdf.save();
}
