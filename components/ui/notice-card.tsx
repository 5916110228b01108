import type { ReactNode } from "react";
import { Card } from "./card";

/** A page that only says something: a state, and at most a way onwards. */
export function NoticeCard({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <main className="mx-auto max-w-lg px-6 py-16">
      <Card>
        <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
        <div className="mt-3 space-y-4 text-slate-700">{children}</div>
      </Card>
    </main>
  );
}
