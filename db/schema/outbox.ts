import { sql } from "drizzle-orm";
import { doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { emailStatusEnum, localeEnum } from "./enums";
import { organizations } from "./organizations";

/**
 * Transactional outbox: the transaction that decides to send an email writes its row; a worker
 * delivers it. `payload` holds the template's props without secrets; a secret (a temporary
 * password, a key) lives only in `secretCiphertext` (AES-256-GCM) and is erased after delivery.
 */
export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: uuid("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    template: text("template").notNull(),
    locale: localeEnum("locale").notNull(),
    toAddress: text("to_address").notNull(),
    payload: jsonb("payload").notNull().$type<Record<string, unknown>>(),
    secretCiphertext: text("secret_ciphertext"),
    status: emailStatusEnum("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    leasedBy: text("leased_by"),
    lastError: text("last_error"),
    providerMessageId: text("provider_message_id"),
    /** Sent with every attempt so the provider drops a duplicate of an attempt that did arrive. */
    idempotencyKey: uuid("idempotency_key").notNull().defaultRandom(),
    /**
     * The idempotency key of the batch request the message goes out in. Set when a claim groups
     * it with others (only messages never attempted are grouped) and kept across retries: a batch
     * is always sent again whole, with the same messages and key, so the provider drops a repeat
     * of one that did arrive. A message attempted alone stays alone, under its own key.
     */
    batchKey: uuid("batch_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("email_outbox_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('queued', 'retrying', 'sending')`),
    index("email_outbox_organization_idx").on(t.organizationId, t.createdAt),
    index("email_outbox_batch_idx")
      .on(t.batchKey)
      .where(sql`${t.batchKey} is not null`),
  ],
);

/**
 * The provider's request rate, shared by every worker of the deployment: a token bucket per
 * provider account. A claim of outbox messages refills it (`refilled_at`), takes the requests it
 * will make, and may reserve a little ahead (`tokens` below zero), in the same statement.
 */
export const emailRateBuckets = pgTable("email_rate_buckets", {
  name: text("name").primaryKey(),
  tokens: doublePrecision("tokens").notNull(),
  refilledAt: timestamp("refilled_at", { withTimezone: true }).notNull().defaultNow(),
});
