"use client";

import { Menu } from "lucide-react";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { lazy, Suspense, useRef, useState, type MouseEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";

// The dialog library is loaded with the first opening (or when the pointer or focus reaches the
// button), not with every page: most screens are wide enough never to show the Menu.
const loadContent = () => import("./menu-dialog-content");
const MenuDialogContent = lazy(loadContent);

/**
 * Below 1024 px the navigation lives behind a "Menu" button, in a modal dialog: focus stays in it
 * while it is open, Escape closes it and returns focus to the button, and choosing a link closes it.
 */
export function MenuDialog({ children }: { children: ReactNode }) {
  const t = useTranslations("nav");
  const pathname = usePathname();
  const button = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [opened, setOpened] = useState(false);
  const [openedAt, setOpenedAt] = useState(pathname);
  // A navigation that happened while it was open (a link inside it) closes it.
  if (open && openedAt !== pathname) {
    setOpen(false);
    setOpenedAt(pathname);
  }
  function onOpenChange(next: boolean) {
    setOpenedAt(pathname);
    setOpen(next);
    if (next) setOpened(true);
  }
  // A link to the page already shown changes no path: close on the click itself.
  function onClick(event: MouseEvent<HTMLDivElement>) {
    if (event.target instanceof Element && event.target.closest("a")) setOpen(false);
  }
  return (
    <>
      <Button
        ref={button}
        variant="ghost"
        size="sm"
        aria-haspopup="dialog"
        aria-expanded={open}
        className="text-slate-100 ring-1 ring-slate-600 hover:bg-slate-800 hover:text-white lg:hidden"
        onPointerEnter={() => void loadContent()}
        onFocus={() => void loadContent()}
        onClick={() => onOpenChange(true)}
      >
        <Menu aria-hidden className="size-4" />
        {t("menu")}
      </Button>
      {opened && (
        <Suspense fallback={null}>
          <MenuDialogContent open={open} onOpenChange={onOpenChange} returnFocusTo={button}>
            <div onClick={onClick}>{children}</div>
          </MenuDialogContent>
        </Suspense>
      )}
    </>
  );
}
