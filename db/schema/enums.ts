import { pgEnum } from "drizzle-orm/pg-core";

export const locales = ["en", "fr"] as const;
export const localeEnum = pgEnum("locale", locales);

export const membershipRoles = ["administrator", "user"] as const;
export const membershipRoleEnum = pgEnum("membership_role", membershipRoles);

export const membershipStatuses = ["invited", "active", "disabled"] as const;
export const membershipStatusEnum = pgEnum("membership_status", membershipStatuses);

export const membershipTags = ["external", "privileged"] as const;

export const invitationStatuses = ["pending", "accepted", "revoked", "expired", "declined"] as const;
export const invitationStatusEnum = pgEnum("invitation_status", invitationStatuses);

/** How a new account's temporary password reaches the invitee. `none`: existing account. */
export const passwordDeliveries = ["none", "email", "manual"] as const;
export const passwordDeliveryEnum = pgEnum("password_delivery", passwordDeliveries);

/** System Settings – General: Ask / Send / Not send. */
export const temporaryPasswordPolicies = ["ask", "send", "not_send"] as const;
export const temporaryPasswordPolicyEnum = pgEnum("temporary_password_policy", temporaryPasswordPolicies);

export const emailStatuses = ["queued", "sending", "retrying", "sent", "failed"] as const;
export const emailStatusEnum = pgEnum("email_status", emailStatuses);

/** Two-step verification factors: an authenticator app (TOTP) or a passkey / security key (WebAuthn). */
export const twoStepFactorKinds = ["totp", "passkey"] as const;
export const twoStepFactorKindEnum = pgEnum("two_step_factor_kind", twoStepFactorKinds);

/** System Settings – General: whether the organization's administrators must have a second factor. */
export const twoStepRequirements = ["off", "required"] as const;
export const twoStepRequirementEnum = pgEnum("two_step_requirement", twoStepRequirements);
