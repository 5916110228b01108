import { useId, type ComponentProps, type ReactNode } from "react";
import { cn } from "./cn";

export function Card({ className, ...props }: ComponentProps<"div">) {
  return <div className={cn("card", className)} {...props} />;
}

/**
 * A card that is a titled region of its page: the heading names the section for assistive
 * technology, and an optional intro line follows it.
 */
export function CardSection({
  title,
  intro,
  titleClassName,
  className,
  children,
}: {
  title: ReactNode;
  intro?: ReactNode;
  titleClassName?: string;
  className?: string;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <section aria-labelledby={id} className={cn("card", className)}>
      <h2 id={id} className={cn("text-lg font-semibold", titleClassName)}>
        {title}
      </h2>
      {intro && <p className="mt-1 text-sm text-slate-700">{intro}</p>}
      {children}
    </section>
  );
}
