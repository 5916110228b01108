"use client";

import { Menu } from "lucide-react";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type MouseEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";

/**
 * Below 1024 px the navigation lives behind a "Menu" button, in a modal dialog: focus stays in it
 * while it is open, Escape closes it and returns focus to the button, and choosing a link closes it.
 */
export function MenuDialog({ children }: { children: ReactNode }) {
  const t = useTranslations("nav");
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const [openedAt, setOpenedAt] = useState(pathname);
  // A navigation that happened while it was open (a link inside it) closes it.
  if (open && openedAt !== pathname) {
    setOpen(false);
    setOpenedAt(pathname);
  }
  function onOpenChange(next: boolean) {
    setOpenedAt(pathname);
    setOpen(next);
  }
  // A link to the page already shown changes no path: close on the click itself.
  function onClick(event: MouseEvent<HTMLDivElement>) {
    if (event.target instanceof Element && event.target.closest("a")) setOpen(false);
  }
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button
          variant="ghost"
          size="sm"
          className="text-slate-100 ring-1 ring-slate-600 hover:bg-slate-800 hover:text-white lg:hidden"
        >
          <Menu aria-hidden className="size-4" />
          {t("menu")}
        </Button>
      </DialogTrigger>
      <DialogContent title={t("menu")} className="w-[min(24rem,calc(100vw-2rem))]">
        <div onClick={onClick}>{children}</div>
      </DialogContent>
    </Dialog>
  );
}
