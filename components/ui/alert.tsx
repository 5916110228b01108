import type { ComponentProps } from "react";
import { cn } from "./cn";

const tones = { info: "alert-info", warning: "alert-warning", error: "alert-error", success: "alert-success" } as const;

export function Alert({ tone = "info", className, ...props }: ComponentProps<"div"> & { tone?: keyof typeof tones }) {
  return <div className={cn("alert", tones[tone], className)} {...props} />;
}
