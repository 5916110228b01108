import "server-only";
import type { Actor } from "@/lib/auth/actor";

/** A member whose access ends within this window is warned on every page of the organization. */
const ACCESS_WARNING_MS = 24 * 60 * 60 * 1000;

/** When the actor's access to the organization ends, if that is within the warning window. */
export function accessEndingSoon(actor: Pick<Actor, "accessExpiresAt">, now = Date.now()): Date | null {
  const end = actor.accessExpiresAt;
  return end && end.getTime() - now < ACCESS_WARNING_MS ? end : null;
}
