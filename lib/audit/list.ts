import "server-only";
import { and, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { auditEvents } from "@/db/schema";
import { assertCan, type Actor } from "@/lib/auth/actor";
import { decodeAuditCursor, encodeAuditCursor, type AuditFilters, type AuditPage } from "./filters";

/** An event as the Audit log shows it. Details are already stripped of secrets at recording. */
export type AuditEventView = {
  id: number;
  createdAt: Date;
  action: string;
  actor: { accountId: string | null; name: string | null; email: string | null };
  target: { type: string | null; id: string | null; label: string | null };
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
};

export type AuditEventList = {
  events: AuditEventView[];
  /** Cursor for the page of newer events, when there is one. */
  newer?: string;
  /** Cursor for the page of older events, when there is one. */
  older?: string;
};

export const AUDIT_PAGE_SIZE = 50;

/** The columns an event is shown from: what `toAuditEventView` reads. */
export const auditEventColumns = {
  id: auditEvents.id,
  createdAt: auditEvents.createdAt,
  action: auditEvents.action,
  actorAccountId: auditEvents.actorAccountId,
  actorName: auditEvents.actorName,
  actorEmail: auditEvents.actorEmail,
  targetType: auditEvents.targetType,
  targetId: auditEvents.targetId,
  targetLabel: auditEvents.targetLabel,
  details: auditEvents.details,
  ip: auditEvents.ip,
  userAgent: auditEvents.userAgent,
};

const columns = {
  ...auditEventColumns,
  // Microseconds, which a JavaScript Date would lose: the cursor must name the exact row.
  position: sql<string>`to_char(${auditEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
};

type Row = Awaited<ReturnType<typeof fetchRows>>[number];

function encodeCursor(row: Pick<Row, "position" | "id">): string {
  return encodeAuditCursor({ time: row.position, id: row.id });
}

/** An event read with `auditEventColumns`, as the Audit log and a member's timeline show it. */
export function toAuditEventView(row: Pick<Row, keyof typeof auditEventColumns>): AuditEventView {
  return {
    id: row.id,
    createdAt: row.createdAt,
    action: row.action,
    actor: { accountId: row.actorAccountId, name: row.actorName, email: row.actorEmail },
    target: { type: row.targetType, id: row.targetId, label: row.targetLabel },
    details: row.details,
    ip: row.ip,
    userAgent: row.userAgent,
  };
}

/** The organization's events matching the filters; days are taken in `timeZone`. */
function matching(organizationId: string, filters: AuditFilters, timeZone: string): SQL[] {
  const where: SQL[] = [eq(auditEvents.organizationId, organizationId)];
  if (filters.action) where.push(eq(auditEvents.action, filters.action));
  if (filters.actorAccountId) where.push(eq(auditEvents.actorAccountId, filters.actorAccountId));
  if (filters.from)
    where.push(gte(auditEvents.createdAt, sql`(${filters.from}::date)::timestamp at time zone ${timeZone}`));
  if (filters.to)
    where.push(lt(auditEvents.createdAt, sql`(${filters.to}::date + 1)::timestamp at time zone ${timeZone}`));
  return where;
}

async function fetchRows(
  organizationId: string,
  filters: AuditFilters,
  timeZone: string,
  page: AuditPage,
  limit: number,
) {
  const db = await getDb();
  const where = matching(organizationId, filters, timeZone);
  const newerThan = decodeAuditCursor(page.after);
  const olderThan = newerThan ? null : decodeAuditCursor(page.before);
  // Row comparison on (created_at, id) walks audit_events_organization_created_idx from the
  // cursor: the cost of a page does not grow with how far back it is.
  if (olderThan)
    where.push(
      sql`(${auditEvents.createdAt}, ${auditEvents.id}) < (${olderThan.time}::timestamptz, ${olderThan.id}::bigint)`,
    );
  if (newerThan)
    where.push(
      sql`(${auditEvents.createdAt}, ${auditEvents.id}) > (${newerThan.time}::timestamptz, ${newerThan.id}::bigint)`,
    );
  // The indexes are `desc nulls last`; PostgreSQL uses them for ordering only when the ORDER BY
  // says so (plain `desc` means `nulls first`), even though neither column is ever null.
  const order = newerThan
    ? [sql`${auditEvents.createdAt} asc nulls first`, sql`${auditEvents.id} asc nulls first`]
    : [sql`${auditEvents.createdAt} desc nulls last`, sql`${auditEvents.id} desc nulls last`];
  const rows = await db
    .select(columns)
    .from(auditEvents)
    .where(and(...where))
    .orderBy(...order)
    .limit(limit);
  return newerThan ? rows.reverse() : rows;
}

/**
 * For a member with `audit:read`: one page of the organization's audit events, newest first,
 * filtered, with cursors to the neighbouring pages. Never another organization's events.
 */
export async function listAuditEvents(
  actor: Actor,
  filters: AuditFilters,
  page: AuditPage = {},
  options: { timeZone?: string; pageSize?: number } = {},
): Promise<AuditEventList> {
  assertCan(actor, "audit:read");
  const pageSize = options.pageSize ?? AUDIT_PAGE_SIZE;
  const rows = await fetchRows(actor.organizationId, filters, options.timeZone ?? "UTC", page, pageSize + 1);
  const goingNewer = Boolean(decodeAuditCursor(page.after));
  const more = rows.length > pageSize;
  // The extra row tells whether the list goes on past this page, on the side we walked.
  const shown = more ? (goingNewer ? rows.slice(1) : rows.slice(0, pageSize)) : rows;
  const first = shown[0];
  const last = shown.at(-1);
  const cameFromCursor = Boolean(decodeAuditCursor(page.before) || goingNewer);
  return {
    events: shown.map(toAuditEventView),
    newer: first && (goingNewer ? more : cameFromCursor) ? encodeCursor(first) : undefined,
    older: last && (goingNewer || more) ? encodeCursor(last) : undefined,
  };
}

/**
 * For a member with `audit:read`: every event matching the filters, newest first, in batches,
 * for an export that never holds the whole log in memory.
 */
export async function* auditEventBatches(
  actor: Actor,
  filters: AuditFilters,
  options: { timeZone?: string; batchSize?: number } = {},
): AsyncGenerator<AuditEventView[]> {
  assertCan(actor, "audit:read");
  const batchSize = options.batchSize ?? 1000;
  let page: AuditPage = {};
  for (;;) {
    const rows = await fetchRows(actor.organizationId, filters, options.timeZone ?? "UTC", page, batchSize);
    if (rows.length) yield rows.map(toAuditEventView);
    if (rows.length < batchSize) return;
    page = { before: encodeCursor(rows.at(-1)!) };
  }
}

export type AuditActorOption = { accountId: string; name: string | null; email: string | null };

/**
 * For a member with `audit:read`: everyone who has acted in the organization (members since
 * removed included), with the name and address of their latest event, for the actor filter.
 */
export async function listAuditActors(actor: Actor): Promise<AuditActorOption[]> {
  assertCan(actor, "audit:read");
  const db = await getDb();
  const org = actor.organizationId;
  // A skip scan over audit_events_organization_actor_idx: one index probe per distinct actor,
  // however many events each has.
  const result = await db.execute(sql`
    with recursive actors(id) as (
      (select actor_account_id from audit_events
        where organization_id = ${org} and actor_account_id is not null
        order by actor_account_id limit 1)
      union all
      select (select e.actor_account_id from audit_events e
               where e.organization_id = ${org} and e.actor_account_id > actors.id
               order by e.actor_account_id limit 1)
        from actors where actors.id is not null
    )
    select actors.id as "accountId", latest.actor_name as "name", latest.actor_email as "email"
      from actors
      cross join lateral (
        select actor_name, actor_email from audit_events e
         where e.organization_id = ${org} and e.actor_account_id = actors.id
         order by e.created_at desc nulls last limit 1
      ) latest
     where actors.id is not null
     order by lower(coalesce(latest.actor_name, latest.actor_email, '')), latest.actor_email`);
  return rowsOf<AuditActorOption>(result);
}
