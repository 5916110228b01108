import { connection } from "next/server";
import { checkDatabase } from "@/lib/health";

/** Ready once the database is open and migrated; load balancers and tests wait on it. */
export async function GET() {
  await connection();
  try {
    await checkDatabase();
    return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
  } catch {
    return Response.json({ status: "unavailable" }, { status: 503, headers: { "cache-control": "no-store" } });
  }
}
