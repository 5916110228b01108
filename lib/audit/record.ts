import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { auditEvents } from "@/db/schema";
import type { RequestMeta } from "@/lib/auth/request-meta";
import type { AuditAction } from "./actions";
import { sanitizeDetails } from "./details";

export type AuditInput = {
  organizationId: string | null;
  actor: { accountId: string | null; name: string | null; email: string | null; meta?: RequestMeta } | null;
  action: AuditAction;
  target?: { type: string; id: string; label?: string | null };
  /**
   * What changed (`{ field: { from, to } }`) and options. Never a password, key or token: keys
   * that look like one are dropped before writing, whatever the caller passes.
   */
  details?: Record<string, unknown>;
};

/**
 * Appends an audit event (or several, in one insert) inside the caller's transaction, so the event
 * exists exactly when the change it describes does. Events are never updated or deleted.
 */
export async function recordAudit(tx: Transaction, input: AuditInput | readonly AuditInput[]): Promise<void> {
  const inputs: readonly AuditInput[] = Array.isArray(input) ? input : [input as AuditInput];
  if (inputs.length === 0) return;
  await tx.insert(auditEvents).values(
    inputs.map((event) => ({
      organizationId: event.organizationId,
      actorAccountId: event.actor?.accountId ?? null,
      actorName: event.actor?.name ?? null,
      actorEmail: event.actor?.email ?? null,
      action: event.action,
      targetType: event.target?.type ?? null,
      targetId: event.target?.id ?? null,
      targetLabel: event.target?.label ?? null,
      details: sanitizeDetails(event.details ?? {}),
      ip: event.actor?.meta?.ip ?? null,
      userAgent: event.actor?.meta?.userAgent ?? null,
    })),
  );
}

/**
 * The audit insert of an account-level event as SQL that can stand as a data-modifying CTE: one
 * event in each organization where the account (a row of `source`, a CTE with `id`, `name`,
 * `email`) is an active member, once without an organization otherwise; nothing when `source`
 * holds no row. A statement that must cost the same whether the account exists uses it instead
 * of `recordAudit` (the password reset request).
 */
export function recordAuditSql(
  source: SQL,
  input: Omit<AuditInput, "organizationId" | "actor" | "target"> & {
    meta: RequestMeta;
  },
): SQL {
  return sql`insert into audit_events
      (organization_id, actor_account_id, actor_name, actor_email, action, target_type, target_id, target_label,
       details, ip, user_agent)
    select m.organization_id, s.id, s.name, s.email, ${input.action}, 'account', s.id::text, s.email,
      ${JSON.stringify(sanitizeDetails(input.details ?? {}))}::jsonb, ${input.meta.ip}, ${input.meta.userAgent}
    from ${source} s
    left join memberships m on m.account_id = s.id and m.status = 'active'`;
}

/** `{ field: { from, to } }` for the fields whose value differs. */
export function diff<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(after)) {
    const from = before[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
  }
  return changes;
}
