import { relations } from "drizzle-orm";
import { accounts } from "./accounts";
import { invitations } from "./invitations";
import { memberships } from "./memberships";
import { organizations, organizationSettings } from "./organizations";

export const accountsRelations = relations(accounts, ({ many }) => ({
  memberships: many(memberships),
}));

export const organizationsRelations = relations(organizations, ({ one, many }) => ({
  settings: one(organizationSettings),
  memberships: many(memberships),
  invitations: many(invitations),
}));

export const organizationSettingsRelations = relations(organizationSettings, ({ one }) => ({
  organization: one(organizations, { fields: [organizationSettings.organizationId], references: [organizations.id] }),
}));

export const membershipsRelations = relations(memberships, ({ one }) => ({
  account: one(accounts, { fields: [memberships.accountId], references: [accounts.id] }),
  organization: one(organizations, { fields: [memberships.organizationId], references: [organizations.id] }),
}));

export const invitationsRelations = relations(invitations, ({ one }) => ({
  account: one(accounts, { fields: [invitations.accountId], references: [accounts.id] }),
  organization: one(organizations, { fields: [invitations.organizationId], references: [organizations.id] }),
}));
