import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { membershipRoleEnum, membershipStatusEnum } from "./enums";
import { organizations } from "./organizations";

/** Account × organization. Exactly one owner per organization, enforced by a partial unique index. */
export const memberships = pgTable(
  "memberships",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    role: membershipRoleEnum("role").notNull(),
    status: membershipStatusEnum("status").notNull(),
    isOwner: boolean("is_owner").notNull().default(false),
    accessExpiresAt: timestamp("access_expires_at", { withTimezone: true }),
    /** `external`, `privileged`. */
    tags: text("tags")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /**
     * The account's name, lower-cased: the Users list's sort key, here so that a page of the list
     * is read from one index of this table. Kept by the database (triggers in migration 0001)
     * on insert and whenever the account's name changes; never written by the application.
     */
    sortName: text("sort_name").notNull().default(""),
    /**
     * What the Users list's search matches: the account's lower-cased name and normalized
     * address, separated by a line feed (which a search cannot contain, so a match never spans
     * the two). Kept by the database like `sortName` (migration 0002), so a search reads this
     * table's trigram index without visiting accounts.
     */
    searchText: text("search_text").notNull().default(""),
    invitedByAccountId: uuid("invited_by_account_id").references(() => accounts.id, { onDelete: "set null" }),
    invitedAt: timestamp("invited_at", { withTimezone: true }),
    joinedAt: timestamp("joined_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("memberships_organization_account_key").on(t.organizationId, t.accountId),
    uniqueIndex("memberships_one_owner_per_organization")
      .on(t.organizationId)
      .where(sql`${t.isOwner}`),
    index("memberships_organization_role_status_idx").on(t.organizationId, t.role, t.status),
    index("memberships_account_idx").on(t.accountId),
    index("memberships_organization_list_idx").on(t.organizationId, t.isOwner.desc(), t.sortName, t.id),
    index("memberships_search_trgm_idx").using("gin", sql`${t.searchText} gin_trgm_ops`),
    check(
      "memberships_owner_is_active_administrator",
      sql`not ${t.isOwner} or (${t.role} = 'administrator' and ${t.status} = 'active')`,
    ),
    check(
      "memberships_privileged_requires_expiry",
      sql`not ('privileged' = any(${t.tags})) or ${t.accessExpiresAt} is not null`,
    ),
    check("memberships_known_tags", sql`${t.tags} <@ array['external','privileged']::text[]`),
  ],
);

/**
 * How many memberships each organization has, for the Users list's unfiltered total (counting
 * 10,000 rows on every render showed in its profile). Kept by the database: a trigger on
 * memberships adds or takes one as rows come and go (migration 0003); never written by the
 * application. A table of its own, not a column of organizations: a membership's insert then
 * locks this row only, never the organization's row that transactions share-lock.
 */
export const organizationMemberCounts = pgTable(
  "organization_member_counts",
  {
    organizationId: uuid("organization_id")
      .primaryKey()
      .references(() => organizations.id, { onDelete: "cascade" }),
    memberCount: integer("member_count").notNull().default(0),
  },
  (t) => [check("organization_member_counts_not_negative", sql`${t.memberCount} >= 0`)],
);
