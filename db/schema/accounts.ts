import { boolean, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { localeEnum } from "./enums";

/** A global identity, independent of any organization. */
export const accounts = pgTable(
  "accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** As typed by whoever created the account; shown in the UI. */
    email: text("email").notNull(),
    /** Trimmed and lower-cased: the identity used for every comparison. */
    emailNormalized: text("email_normalized").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    passwordIsTemporary: boolean("password_is_temporary").notNull().default(false),
    locale: localeEnum("locale"),
    /** IANA time zone for dates shown to this account; null: the browser's. */
    timeZone: text("time_zone"),
    /** Bumped to end every session of the account: a new password, or a temporary password reissued or revoked. */
    sessionVersion: integer("session_version").notNull().default(1),
    /**
     * The invitation that created the account, until the account is used: cleared when that
     * invitation is accepted or a password is chosen. Revoking it removes an account still unused.
     */
    createdByInvitationId: uuid("created_by_invitation_id"),
    /**
     * The invitation that issued the current temporary password. The password works only while
     * that invitation is pending and unexpired; it is never cleared by a sign-in.
     */
    temporaryPasswordInvitationId: uuid("temporary_password_invitation_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
    passwordChangedAt: timestamp("password_changed_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("accounts_email_normalized_key").on(t.emailNormalized)],
);
