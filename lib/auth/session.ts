import "server-only";
import { createSignInGrant } from "./grant";
import { signIn, signOut } from "./next-auth";

/** Opens a session for an account the domain has just verified. Call from a server action. */
export async function startSession(accountId: string, sessionVersion: number): Promise<void> {
  await signIn("grant", { grant: createSignInGrant(accountId, sessionVersion), redirect: false });
}

/** Ends the current browser's session. Call from a server action. */
export async function endSession(): Promise<void> {
  await signOut({ redirect: false });
}
