import { Fragment } from "react";
import { cn } from "./cn";

/**
 * An email address that wraps only after its "@" and its dots, never inside a word: a break
 * opportunity (`<wbr>`) follows each of them, and the text may break elsewhere only when a single
 * part is wider than the whole line (`overflow-wrap: break-word`, which, unlike `anywhere`, does
 * not let a table column shrink by breaking words).
 */
export function EmailAddress({ email, className }: { email: string; className?: string }) {
  const parts = email.split(/(?<=[@.])/);
  return (
    <span className={cn("[overflow-wrap:break-word]", className)}>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </span>
  );
}
