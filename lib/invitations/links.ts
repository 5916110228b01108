import "server-only";
import { env } from "@/lib/env";

/**
 * The magic link of an invitation. The key travels only in the link and the email; the server
 * keeps its hash. The invitation page answers with `Referrer-Policy: no-referrer`.
 */
export function invitationUrl(invitationId: string, key: string): string {
  return `${env.APP_URL}/invite/${invitationId}?key=${encodeURIComponent(key)}`;
}

export function passwordResetUrl(resetId: string, key: string): string {
  return `${env.APP_URL}/reset-password/${resetId}?key=${encodeURIComponent(key)}`;
}
