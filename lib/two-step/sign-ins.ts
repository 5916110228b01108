import "server-only";
import { desc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { sessions } from "@/db/schema";

export type RecentSignIn = {
  id: string;
  at: Date;
  ip: string | null;
  /** Browser and system read from the user agent, e.g. `{ browser: "Firefox", os: "Linux" }`; null parts unknown. */
  device: { browser: string | null; os: string | null };
  current: boolean;
  active: boolean;
};

const BROWSERS: [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/Firefox\/|FxiOS\//, "Firefox"],
  [/Chrome\/|CriOS\/|Chromium\//, "Chrome"],
  [/Safari\//, "Safari"],
];

const SYSTEMS: [RegExp, string][] = [
  [/iPhone|iPad|iPod/, "iOS"],
  [/Android/, "Android"],
  [/Windows/, "Windows"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

/** The browser and operating system a user agent names, by the common markers; unknown parts are null. */
export function describeUserAgent(userAgent: string | null): RecentSignIn["device"] {
  if (!userAgent) return { browser: null, os: null };
  return {
    browser: BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null,
    os: SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null,
  };
}

/** For the signed-in account: its most recent sign-ins (sessions), newest first, marking this browser's. */
export async function listRecentSignIns(
  account: { id: string },
  currentSessionId: string | null,
  limit = 10,
): Promise<RecentSignIn[]> {
  const db = await getDb();
  const rows = await db
    .select({
      id: sessions.id,
      at: sessions.createdAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
      revokedAt: sessions.revokedAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .where(eq(sessions.accountId, account.id))
    .orderBy(desc(sessions.createdAt))
    .limit(limit);
  const now = Date.now();
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    ip: row.ip,
    device: describeUserAgent(row.userAgent),
    current: row.id === currentSessionId,
    active: row.revokedAt === null && row.expiresAt.getTime() > now,
  }));
}
