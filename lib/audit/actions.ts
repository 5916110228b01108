/**
 * Every kind of audit event. The Audit log page has a sentence for each, in every language;
 * adding a kind here without one fails a test.
 */
export const auditActions = [
  "organization.created",
  "organization.renamed",
  "organization.slug_changed",
  "organization.deleted",
  "settings.updated",
  "invitation.created",
  "invitation.resent",
  "invitation.revoked",
  "invitation.accepted",
  "invitation.declined",
  "invitation.expired",
  "invitation.attempts_exceeded",
  "member.updated",
  "member.removed",
  "member.ownership_transferred",
  "account.updated",
  "account.password_changed",
  "account.password_reset_requested",
  "account.password_reset_completed",
  "account.sign_in_locked",
  "account.signed_out_everywhere",
  "account.two_step_added",
  "account.two_step_renamed",
  "account.two_step_removed",
  "account.recovery_codes_regenerated",
  "account.recovery_code_used",
  "account.two_step_reset",
] as const;

export type AuditAction = (typeof auditActions)[number];
