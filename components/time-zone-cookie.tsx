"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { TIME_ZONE_COOKIE } from "@/lib/i18n/time-zone";

/**
 * Tells the server the browser's time zone, so dates render in the viewer's zone. The first
 * page a browser sees renders in UTC; it re-renders once, as soon as the zone is known.
 */
export function TimeZoneCookie() {
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const current = document.cookie
      .split("; ")
      .find((c) => c.startsWith(`${TIME_ZONE_COOKIE}=`))
      ?.slice(TIME_ZONE_COOKIE.length + 1);
    if (!zone || current === encodeURIComponent(zone)) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    // The server renders in UTC until it knows better.
    const rendered = current ? decodeURIComponent(current) : "UTC";
    if (zone !== rendered) router.refresh();
  }, [router]);
  return null;
}
