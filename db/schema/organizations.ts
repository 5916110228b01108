import { sql } from "drizzle-orm";
import { check, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { localeEnum, temporaryPasswordPolicyEnum, twoStepRequirementEnum } from "./enums";

/** One "cloud". A deployment hosts several; an account may belong to several. */
export const organizations = pgTable(
  "organizations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("organizations_slug_key").on(t.slug)],
);

/** System Settings – General, one row per organization. `version` guards concurrent edits. */
export const organizationSettings = pgTable(
  "organization_settings",
  {
    organizationId: uuid("organization_id")
      .primaryKey()
      .references(() => organizations.id, { onDelete: "cascade" }),
    temporaryPasswordPolicy: temporaryPasswordPolicyEnum("temporary_password_policy").notNull().default("ask"),
    invitationValidityDays: integer("invitation_validity_days").notNull().default(7),
    defaultLocale: localeEnum("default_locale").notNull().default("en"),
    allowedEmailDomains: text("allowed_email_domains")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    minPasswordLength: integer("min_password_length").notNull().default(12),
    twoStepRequirement: twoStepRequirementEnum("two_step_requirement").notNull().default("off"),
    version: integer("version").notNull().default(1),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedByAccountId: uuid("updated_by_account_id").references(() => accounts.id, { onDelete: "set null" }),
  },
  (t) => [
    check("organization_settings_validity_days", sql`${t.invitationValidityDays} between 1 and 30`),
    check("organization_settings_min_password_length", sql`${t.minPasswordLength} between 8 and 128`),
  ],
);

/** An organization's former URL names: requests to /o/<old slug> redirect to the current one until they expire. */
export const organizationSlugRedirects = pgTable("organization_slug_redirects", {
  oldSlug: text("old_slug").primaryKey(),
  organizationId: uuid("organization_id")
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" }),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});
