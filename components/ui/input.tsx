import type { ComponentProps } from "react";
import { cn } from "./cn";

const inputClass = "input";

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(inputClass, className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return <textarea className={cn(inputClass, "min-h-24", className)} {...props} />;
}

export function Select({ className, ...props }: ComponentProps<"select">) {
  return <select className={cn(inputClass, "pr-8", className)} {...props} />;
}

/** A list filter in a GET form: "any" (empty, no filter) first, then each value, `value` selected. */
export function FilterSelect({
  value,
  any,
  options,
  ...props
}: Omit<ComponentProps<"select">, "value" | "defaultValue"> & {
  value: string | undefined;
  any: string;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <Select defaultValue={value ?? ""} {...props}>
      <option value="">{any}</option>
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </Select>
  );
}
