export * from "./enums";
export * from "./accounts";
export * from "./organizations";
export * from "./memberships";
export * from "./outbox";
export * from "./invitations";
export * from "./audit";
export * from "./support";
export * from "./two-step";

import type { accounts } from "./accounts";
import type { auditEvents } from "./audit";
import type { emailOutbox } from "./outbox";
import type { invitations } from "./invitations";
import type { memberships } from "./memberships";
import type { organizations, organizationSettings } from "./organizations";

export type Account = typeof accounts.$inferSelect;
export type Organization = typeof organizations.$inferSelect;
export type OrganizationSettings = typeof organizationSettings.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type OutboxEmail = typeof emailOutbox.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type Locale = Account["locale"] & string;
export type MembershipRole = Membership["role"];
export type MembershipStatus = Membership["status"];
