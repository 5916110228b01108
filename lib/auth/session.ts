import "server-only";
import { getCurrentAccount } from "./current";
import { createSignInGrant } from "./grant";
import { signIn, signOut } from "./next-auth";
import { getRequestMeta } from "./request-meta";
import { createSessionRecord, revokeAllSessions, revokeSession } from "./session-store";
import { readSessionToken } from "./session-token";

/** Opens a session for an account the domain has just verified: its row, then the cookie. Call from a server action. */
export async function startSession(accountId: string, sessionVersion: number): Promise<void> {
  const sessionId = await createSessionRecord(accountId, await getRequestMeta());
  await signIn("grant", { grant: createSignInGrant({ accountId, sessionVersion, sessionId }), redirect: false });
}

/** Ends the current browser's session: revokes its row, so a copy of the cookie stops working, then clears the cookie. Call from a server action. */
export async function endSession(): Promise<void> {
  const session = await readSessionToken();
  if (session) await revokeSession(session);
  await signOut({ redirect: false });
}

/** "Sign out everywhere": revokes every session of the signed-in account, then clears this browser's cookie. Call from a server action. */
export async function endAllSessions(): Promise<void> {
  const account = await getCurrentAccount();
  if (account) await revokeAllSessions(account, await getRequestMeta());
  await signOut({ redirect: false });
}
