import { getTranslations } from "next-intl/server";
import { requireActor } from "@/lib/auth/require";
import { InviteWizard } from "./invite-wizard";

export async function generateMetadata() {
  const t = await getTranslations("invite-wizard");
  return { title: t("title") };
}

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requireActor((await params).slug, "invitations:manage");
  return <InviteWizard organizationSlug={actor.organizationSlug} />;
}
