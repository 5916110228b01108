import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getCurrentAccount } from "@/lib/auth/current";
import { listMyOrganizations } from "@/lib/organizations";
import { isSetupComplete } from "@/lib/setup/first-run";

/** The start page only routes: first run, sign-in, the first organization, or a new one. */
export default async function Home() {
  await connection();
  if (!(await isSetupComplete())) redirect("/setup");
  const account = await getCurrentAccount();
  if (!account) redirect("/sign-in");
  if (account.passwordIsTemporary) redirect("/change-password");
  const [first] = await listMyOrganizations(account.id);
  redirect(first ? `/o/${first.slug}` : "/orgs/new");
}
