import type { ReactNode } from "react";
import { cn } from "./cn";

/**
 * A `.data-table` in a frame that scrolls sideways when the screen is narrower than the table:
 * the caption (for assistive technology), the header row, and `children` as the body's rows.
 * Every list of the console names its table and its columns the same way.
 */
export function DataTable({
  caption,
  columns,
  className,
  children,
}: {
  caption: string;
  columns: readonly ReactNode[];
  /** The frame's classes: its margin, or a card's ring and background. */
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={cn("overflow-x-auto", className)}>
      <table className="data-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
