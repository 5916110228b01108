import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { organizations } from "./organizations";

/** Append-only. The actor's name and address are copied so events outlive the member. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    organizationId: uuid("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    actorAccountId: uuid("actor_account_id").references(() => accounts.id, { onDelete: "set null" }),
    actorName: text("actor_name"),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    targetLabel: text("target_label"),
    details: jsonb("details").notNull().$type<Record<string, unknown>>().default({}),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_events_organization_created_idx").on(t.organizationId, t.createdAt.desc(), t.id.desc()),
    index("audit_events_organization_action_idx").on(t.organizationId, t.action, t.createdAt.desc()),
    index("audit_events_organization_actor_idx").on(t.organizationId, t.actorAccountId, t.createdAt.desc()),
  ],
);
