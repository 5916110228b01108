import { hasControlCharactersBesidesNewlines } from "./text";

// The wizard's rules as plain functions: the browser checks them without loading a schema
// library, and the zod schemas of ./invitations apply the very same functions on the server.

/** More addresses than this in one run are refused: a wizard is not a bulk import. */
export const MAX_ADDRESSES_PER_INVITE = 20;
export const PERSONAL_MESSAGE_MAX = 500;

/**
 * The addresses of the Email field: split on `,` and `;`, trimmed, empty parts dropped, and
 * duplicates collapsed case-insensitively (the first spelling typed is kept).
 */
export function splitAddresses(raw: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of raw.split(/[,;]/)) {
    const address = part.trim();
    const normalized = address.toLowerCase();
    if (!address || seen.has(normalized)) continue;
    seen.add(normalized);
    out.push(address);
  }
  return out;
}

/** `YYYY-MM-DD` → the end of that day (UTC): access lasts through the chosen date. */
export function accessExpiryInstant(date: string): Date {
  return new Date(`${date}T23:59:59.999Z`);
}

export type InviteOptions = {
  locale: "en" | "fr";
  personalMessage: string;
  accessExpiry: string;
  external: boolean;
  privileged: boolean;
};

export type OptionIssue = { field: keyof InviteOptions; message: string };

/** Every rule of the Options step that the field types alone do not express; messages are catalog keys. */
export function inviteOptionsIssues(options: InviteOptions, now = Date.now()): OptionIssue[] {
  const issues: OptionIssue[] = [];
  if (options.personalMessage.length > PERSONAL_MESSAGE_MAX)
    issues.push({ field: "personalMessage", message: "invite-wizard.personalMessageTooLong" });
  if (hasControlCharactersBesidesNewlines(options.personalMessage))
    issues.push({ field: "personalMessage", message: "invite-wizard.personalMessageControlCharacters" });
  if (options.accessExpiry !== "") {
    const instant = accessExpiryInstant(options.accessExpiry);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(options.accessExpiry) || Number.isNaN(instant.getTime())) {
      issues.push({ field: "accessExpiry", message: "invite-wizard.accessExpiryInvalid" });
    } else if (instant.getTime() <= now) {
      issues.push({ field: "accessExpiry", message: "invite-wizard.accessExpiryPast" });
    }
  } else if (options.privileged) {
    issues.push({ field: "accessExpiry", message: "invite-wizard.privilegedNeedsExpiry" });
  }
  return issues;
}
