import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { emailOutbox } from "./outbox";
import { invitationStatusEnum, localeEnum, membershipRoleEnum, passwordDeliveryEnum } from "./enums";
import { memberships } from "./memberships";
import { organizations } from "./organizations";

/**
 * An invitation to join an organization. The key is stored only as a SHA-256 hash; a re-invite
 * replaces the hash and the expiry, so the previous key stops working at once.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    membershipId: uuid("membership_id").references(() => memberships.id, { onDelete: "set null" }),
    email: text("email").notNull(),
    emailNormalized: text("email_normalized").notNull(),
    role: membershipRoleEnum("role").notNull(),
    invitedByAccountId: uuid("invited_by_account_id").references(() => accounts.id, { onDelete: "set null" }),
    keyHash: text("key_hash").notNull(),
    status: invitationStatusEnum("status").notNull().default("pending"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    locale: localeEnum("locale").notNull(),
    personalMessage: text("personal_message"),
    accessExpiresAt: timestamp("access_expires_at", { withTimezone: true }),
    tags: text("tags")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** How the temporary password of a new account is delivered; `none` for an existing account. */
    passwordDelivery: passwordDeliveryEnum("password_delivery").notNull(),
    /** The latest email sent for this invitation; its row carries the delivery state. */
    lastEmailId: uuid("last_email_id").references(() => emailOutbox.id, { onDelete: "set null" }),
    sendCount: integer("send_count").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    declinedAt: timestamp("declined_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("invitations_one_pending_per_address")
      .on(t.organizationId, t.emailNormalized)
      .where(sql`${t.status} = 'pending'`),
    index("invitations_organization_status_idx").on(t.organizationId, t.status, t.createdAt),
    index("invitations_account_idx").on(t.accountId),
    check("invitations_personal_message_length", sql`char_length(${t.personalMessage}) <= 500`),
  ],
);

/** Single-use password reset keys, stored only as hashes. */
export const passwordResets = pgTable(
  "password_resets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    keyHash: text("key_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("password_resets_account_idx").on(t.accountId)],
);
