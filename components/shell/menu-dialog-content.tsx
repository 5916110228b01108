"use client";

import { useTranslations } from "next-intl";
import type { ReactNode, RefObject } from "react";
import { Dialog, DialogContent } from "@/components/ui/dialog";

/**
 * The Menu's modal, loaded when it is first opened: focus stays in it while it is open, and
 * closing it (Escape, outside, a link) returns focus to the Menu button.
 */
export default function MenuDialogContent({
  open,
  onOpenChange,
  returnFocusTo,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  returnFocusTo: RefObject<HTMLButtonElement | null>;
  children: ReactNode;
}) {
  const t = useTranslations("nav");
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        title={t("menu")}
        className="w-[min(24rem,calc(100vw-2rem))]"
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          returnFocusTo.current?.focus();
        }}
      >
        {children}
      </DialogContent>
    </Dialog>
  );
}
