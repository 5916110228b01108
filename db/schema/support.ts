import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";

/** Fixed-window counters shared by every app instance (sign-in, invitation keys, invites sent). */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
  hits: integer("hits").notNull(),
  /** When the current window ends; the email worker prunes rows past it. */
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Results of mutations replayed by a retry or a double submission, keyed per actor. */
export const idempotencyRecords = pgTable(
  "idempotency_records",
  {
    scope: text("scope").notNull(),
    key: uuid("key").notNull(),
    requestHash: text("request_hash").notNull(),
    response: jsonb("response").$type<unknown>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/**
 * Server-side sessions: the session cookie names one row by id. Signing out revokes the row, so a
 * copied cookie stops working at once; "Sign out everywhere" revokes all of an account's rows.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_account_idx").on(t.accountId, t.createdAt)],
);

/** Password-sheet tokens already downloaded, until they would have expired anyway. */
export const spentPasswordSheets = pgTable("spent_password_sheets", {
  nonce: uuid("nonce").primaryKey(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

/**
 * Passkey sign-in challenges already answered (by the SHA-256 of the challenge), until their
 * sealed state would have expired anyway: one assertion is accepted once.
 */
export const spentChallenges = pgTable("spent_challenges", {
  challengeHash: uuid("challenge_hash").primaryKey(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});
