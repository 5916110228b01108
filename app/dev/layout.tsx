import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { env } from "@/lib/env";

/** Development tools (mailbox, email previews): they do not exist in production. */
export default function DevLayout({ children }: { children: ReactNode }) {
  if (env.isProduction) notFound();
  return <main className="mx-auto max-w-5xl px-6 py-10">{children}</main>;
}
