import { Fragment } from "react";

/**
 * An email address that wraps only after its "@" and its dots, never inside a word (nor at a
 * hyphen): each part up to one of them stays on one line, and a break opportunity (`<wbr>`)
 * follows it.
 */
export function EmailAddress({ email, className }: { email: string; className?: string }) {
  const parts = email.split(/(?<=[@.])/);
  return (
    <span className={className}>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          <span className="whitespace-nowrap">{part}</span>
        </Fragment>
      ))}
    </span>
  );
}
