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

function day(value: string | undefined): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? value : undefined;
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The filters and page of a URL's search parameters. A value that is not valid is dropped, not
 * refused: a hand-edited link still shows the log.
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
    page: before ? { before } : after ? { after } : {},
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
