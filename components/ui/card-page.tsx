import type { ReactNode } from "react";
import { Button } from "./button";
import { Card } from "./card";
import { cn } from "./cn";

/**
 * A page that is one card in the middle of the screen, for the steps outside the console:
 * signing in, passwords, two-step verification, invitations, the first organization.
 */
export function CardPage({
  title,
  intro,
  wide,
  children,
}: {
  /** The page's heading; a form that titles itself leaves it out. */
  title?: ReactNode;
  intro?: ReactNode;
  wide?: boolean;
  children?: ReactNode;
}) {
  return (
    <main className={cn("mx-auto px-6 py-16", wide ? "max-w-lg" : "max-w-md")}>
      <Card>
        {title && <h1 className="text-2xl font-semibold">{title}</h1>}
        {intro && <p className="mt-2 text-sm text-slate-700">{intro}</p>}
        {children}
      </Card>
    </main>
  );
}

/** The quiet way out under a card's form ("Sign out", "Start over"): a full-width button posting `action`. */
export function CardPageExit({ action, label }: { action: () => Promise<void>; label: string }) {
  return (
    <form action={action} className="mt-4">
      <Button type="submit" variant="ghost" className="w-full">
        {label}
      </Button>
    </form>
  );
}
