import { auditActions, type AuditAction } from "./actions";

/** What the Audit log shows: every filter optional; dates are days in the viewer's time zone. */
export type AuditFilters = {
  action?: AuditAction;
  actorAccountId?: string;
  /** First day included, `YYYY-MM-DD`. */
  from?: string;
  /** Last day included, `YYYY-MM-DD`. */
  to?: string;
};

/** A position in the newest-first list: events strictly older (`before`) or newer (`after`). */
export type AuditPage = { before?: string; after?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A row's place in the list: its creation instant to the microsecond (UTC) and its id. */
export type AuditCursor = { time: string; id: number };

const CURSOR_TEXT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z\|(\d{1,16})$/;
// Far longer than any cursor this code writes (about 50 characters).
const MAX_CURSOR_LENGTH = 100;

function toBase64Url(text: string): string {
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(value: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return null;
  try {
    return atob(value.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
}

export function encodeAuditCursor(cursor: AuditCursor): string {
  return toBase64Url(`${cursor.time}|${cursor.id}`);
}

/**
 * The cursor a link carries, or null when it is not one this code could have written: a
 * hand-edited or impossible one (month 13, hour 25, an id past 2^53) shows the first page.
 */
export function decodeAuditCursor(value: string | undefined): AuditCursor | null {
  if (!value || value.length > MAX_CURSOR_LENGTH) return null;
  const text = fromBase64Url(value);
  const match = text === null ? null : CURSOR_TEXT.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, id] = match.map(Number) as number[];
  const instant = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  const exact =
    year! >= 1970 &&
    instant.getUTCFullYear() === year &&
    instant.getUTCMonth() === month! - 1 &&
    instant.getUTCDate() === day &&
    instant.getUTCHours() === hour &&
    instant.getUTCMinutes() === minute &&
    instant.getUTCSeconds() === second;
  if (!exact || !Number.isSafeInteger(id) || id! < 1) return null;
  return { time: text!.slice(0, text!.indexOf("|")), id: id! };
}

/** A YYYY-MM-DD day that exists and that the database can store (from year 1; there is no year 0). */
function day(value: string | undefined): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value) || value.startsWith("0000")) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? value : undefined;
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The filters and page of a URL's search parameters. A value that is not valid is dropped, not
 * refused: a hand-edited link still shows the log (a cursor that is not valid, its first page).
 */
export function parseAuditQuery(params: Record<string, string | string[] | undefined>): {
  filters: AuditFilters;
  page: AuditPage;
} {
  const action = one(params.action);
  const actor = one(params.actor);
  const before = one(params.before);
  const after = one(params.after);
  return {
    filters: {
      action: (auditActions as readonly string[]).includes(action ?? "") ? (action as AuditAction) : undefined,
      actorAccountId: actor && UUID.test(actor) ? actor : undefined,
      from: day(one(params.from)),
      to: day(one(params.to)),
    },
    page: decodeAuditCursor(before) ? { before } : decodeAuditCursor(after) ? { after } : {},
  };
}

/** The search parameters of filters (and optionally a page), for links. */
export function auditQueryString(filters: AuditFilters, page: AuditPage = {}): string {
  const params = new URLSearchParams();
  if (filters.action) params.set("action", filters.action);
  if (filters.actorAccountId) params.set("actor", filters.actorAccountId);
  if (filters.from) params.set("from", filters.from);
  if (filters.to) params.set("to", filters.to);
  if (page.before) params.set("before", page.before);
  if (page.after) params.set("after", page.after);
  const text = params.toString();
  return text ? `?${text}` : "";
}
