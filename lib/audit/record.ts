import "server-only";
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
 * Appends an audit event inside the caller's transaction, so the event exists exactly when the
 * change it describes does. Events are never updated or deleted.
 */
export async function recordAudit(tx: Transaction, input: AuditInput): Promise<void> {
  await tx.insert(auditEvents).values({
    organizationId: input.organizationId,
    actorAccountId: input.actor?.accountId ?? null,
    actorName: input.actor?.name ?? null,
    actorEmail: input.actor?.email ?? null,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    targetLabel: input.target?.label ?? null,
    details: sanitizeDetails(input.details ?? {}),
    ip: input.actor?.meta?.ip ?? null,
    userAgent: input.actor?.meta?.userAgent ?? null,
  });
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
