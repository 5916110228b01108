import type { ReactNode } from "react";
import { requireActor } from "@/lib/auth/require";

/** Administration is for the organization's administrators; anyone else gets a 404. */
export default async function AdministrationLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ slug: string }>;
}) {
  await requireActor((await params).slug, "admin:access");
  return children;
}
