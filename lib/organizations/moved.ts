import "server-only";
import { headers } from "next/headers";
import { getCurrentAccount } from "@/lib/auth/current";
import { safeReturnPath } from "@/lib/security/redirects";
import { REQUEST_PATH_HEADER } from "@/lib/security/request-path";
import { findSlugRedirect } from "./manage";

/**
 * Where a request to /o/<former URL name>/… now belongs: the same path under the organization's
 * current URL name, while the redirect lasts and for its members only; else null. Called only
 * once the slug named no organization of the account.
 */
export async function movedOrganizationPath(slug: string): Promise<string | null> {
  const account = await getCurrentAccount();
  if (!account) return null;
  const current = await findSlugRedirect(account.id, slug);
  if (!current) return null;
  const requested = (await headers()).get(REQUEST_PATH_HEADER) ?? "";
  const prefix = `/o/${slug}`;
  const rest =
    /^[/?]/.test(requested.slice(prefix.length)) && requested.startsWith(prefix) ? requested.slice(prefix.length) : "";
  return safeReturnPath(`/o/${current}${rest}`, `/o/${current}`);
}
