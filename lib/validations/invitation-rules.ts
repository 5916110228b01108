import { hasControlCharactersBesidesNewlines } from "./text";

// The wizard's rules as plain functions: the browser checks them without loading a schema
// library, and the zod schemas of ./invitations apply the very same functions on the server.

/** More addresses than this in one run are refused: a wizard is not a bulk import. */
export const MAX_ADDRESSES_PER_INVITE = 20;
export const PERSONAL_MESSAGE_MAX = 500;

/** An address typed more than once: the first spelling, and how many times it appears. */
export type RepeatedAddress = { email: string; times: number };

/**
 * The addresses of the Email field: split on `,` and `;`, trimmed, empty parts dropped, and
 * duplicates collapsed case-insensitively (the first spelling typed is kept), with the repeats.
 */
export function readAddresses(raw: string): { addresses: string[]; repeated: RepeatedAddress[] } {
  const times = new Map<string, RepeatedAddress>();
  const addresses: string[] = [];
  for (const part of raw.split(/[,;]/)) {
    const address = part.trim();
    if (!address) continue;
    const normalized = address.toLowerCase();
    const seen = times.get(normalized);
    if (seen) {
      seen.times++;
      continue;
    }
    times.set(normalized, { email: address, times: 1 });
    addresses.push(address);
  }
  return { addresses, repeated: [...times.values()].filter((r) => r.times > 1) };
}

/** The addresses of the Email field, each once (see `readAddresses`). */
export function splitAddresses(raw: string): string[] {
  return readAddresses(raw).addresses;
}

/** The lookup's verdicts that can be invited; any other one is a reason not to. */
const invitableOutcomes = ["existing", "new"] as const;

/**
 * What the Email step tells about a paste, from the lookup's verdict on each address: the
 * addresses that can be invited, those that cannot with their reason, and the repeats (invited
 * once). Send Invite receives only `invitable`, and only once the person has agreed to leave the
 * refused ones out.
 */
export function reportAddresses<T extends { email: string; outcome: string }>(
  raw: string,
  verdicts: T[],
): { invitable: T[]; refused: T[]; repeated: RepeatedAddress[]; needsConfirmation: boolean } {
  const invitable = verdicts.filter((v) => (invitableOutcomes as readonly string[]).includes(v.outcome));
  const refused = verdicts.filter((v) => !(invitableOutcomes as readonly string[]).includes(v.outcome));
  return {
    invitable,
    refused,
    repeated: readAddresses(raw).repeated,
    needsConfirmation: invitable.length > 0 && refused.length > 0,
  };
}

/** The result screen's title: what the run did, as a catalog key of the wizard and its values. */
export function resultTitle(
  sent: number,
  total: number,
): { key: "resultAll" | "resultSome" | "resultNone"; values: Record<string, number> } {
  if (sent === 0) return { key: "resultNone", values: { total } };
  if (sent === total) return { key: "resultAll", values: { sent } };
  return { key: "resultSome", values: { sent, total } };
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
