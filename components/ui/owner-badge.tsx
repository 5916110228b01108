import { Crown } from "lucide-react";
import { cn } from "./cn";

/** Marks the organization's owner next to a name or a role. */
export function OwnerBadge({ label, className }: { label: string; className?: string }) {
  return (
    <span className={cn("badge badge-owner", className)}>
      <Crown aria-hidden className="size-3.5" />
      {label}
    </span>
  );
}
