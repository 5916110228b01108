import "server-only";
import { eq } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { organizationSettings, type Invitation } from "@/db/schema";
import { enqueueEmail } from "@/lib/email/outbox";

/**
 * Queues the invitation email for an invitation and its freshly issued key (creation and
 * re-invite), inside the caller's transaction. The variant follows the invitation's password
 * delivery: the temporary password travels in the email only when it is to be sent.
 */
export async function queueInvitationEmail(
  tx: Transaction,
  input: {
    invitation: Pick<
      Invitation,
      "id" | "organizationId" | "email" | "role" | "expiresAt" | "locale" | "personalMessage" | "passwordDelivery"
    >;
    organizationName: string;
    inviter: { name: string; email: string };
    key: string;
    temporaryPassword?: string;
  },
): Promise<string> {
  const { invitation } = input;
  const variant =
    invitation.passwordDelivery === "none"
      ? "existing"
      : invitation.passwordDelivery === "email"
        ? "new-with-password"
        : "new-without-password";
  if (variant === "new-with-password" && !input.temporaryPassword) {
    throw new Error("an invitation whose password is emailed needs the temporary password");
  }
  // Said in advance: an administrator of an organization that requires it enrolls before entering.
  const [settings] = await tx
    .select({ twoStepRequirement: organizationSettings.twoStepRequirement })
    .from(organizationSettings)
    .where(eq(organizationSettings.organizationId, invitation.organizationId));
  const twoStepRequired = invitation.role === "administrator" && settings?.twoStepRequirement === "required";
  return enqueueEmail(tx, {
    organizationId: invitation.organizationId,
    template: "invitation",
    locale: invitation.locale,
    to: invitation.email,
    payload: {
      invitationId: invitation.id,
      organizationName: input.organizationName,
      inviterName: input.inviter.name,
      inviterEmail: input.inviter.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt.toISOString(),
      personalMessage: invitation.personalMessage,
      variant,
      twoStepRequired,
    },
    secret:
      variant === "new-with-password"
        ? { key: input.key, temporaryPassword: input.temporaryPassword }
        : { key: input.key },
  });
}
