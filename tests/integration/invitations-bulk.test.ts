import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { hashesInFlight, resetHashPeak } from "@/lib/auth/password";
import { sendInvitations, startInvitations, type FailedInvitation } from "@/lib/invitations/create";
import { withTestDatabase } from "../support/db";
import { countRows, createOrganizationWithOwner, uniqueEmail } from "../support/factories";
import { sendInput } from "./invitations-support";

// Four hashing threads, and a cost at which each hash is still running when the next one starts.
vi.hoisted(() => {
  process.env.HASH_WORKERS = "4";
  process.env.BCRYPT_COST = "8";
});

const t = withTestDatabase();

describe("a wizard run of new accounts", () => {
  it("hashes the 20 temporary passwords on the pool at once and settles each address's line as it is done", async () => {
    const { actor } = await createOrganizationWithOwner(t.db(), "Bulk");
    const emails = Array.from({ length: 20 }, () => uniqueEmail());
    resetHashPeak();

    const run = await startInvitations(actor, sendInput(emails.join(", "), { passwordDelivery: "email" }));
    expect(run.emails).toEqual(emails);
    expect(run.invitations).toHaveLength(20);

    // When the first line arrives, the others are still on the way: lines come one by one, not
    // all at the end.
    const first = await Promise.race(run.invitations.map((line, i) => line.then(() => i)));
    const rest = run.invitations.filter((_, i) => i !== first);
    const restPending = await Promise.race([
      Promise.all(rest).then(() => false),
      new Promise<boolean>((resolve) => setImmediate(() => resolve(true))),
    ]);
    expect(restPending).toBe(true);

    const lines = await Promise.all(run.invitations);
    expect(lines.map((l) => l.outcome === "sent" && l.accountCreated)).toEqual(emails.map(() => true));
    expect(lines.map((l) => l.email)).toEqual(emails);
    // The worker threads count the hashes they run: several ran at the same moment, never more
    // than the pool's threads.
    const { now, peak } = hashesInFlight();
    expect(now).toBe(0);
    expect(peak).toBeGreaterThanOrEqual(2);
    expect(peak).toBeLessThanOrEqual(4);
    // Twenty hashes: seconds on a busy machine.
  }, 120_000);

  it("gives an unexpected failure a reference on its line and every later one, and commits nothing for them", async () => {
    const db = t.db();
    const { actor } = await createOrganizationWithOwner(db, "Bulk failure");
    const before = await countRows(db);
    await db.execute(
      sql`create function gatehouse_test_fail() returns trigger language plpgsql as $$ begin raise exception 'audit down'; end $$`,
    );
    await db.execute(
      sql`create trigger gatehouse_test_fail before insert on audit_events for each row execute function gatehouse_test_fail()`,
    );
    try {
      const emails = [uniqueEmail(), uniqueEmail()];
      const run = await startInvitations(actor, sendInput(emails.join(", "), { passwordDelivery: "email" }));
      const lines = (await Promise.all(run.invitations)) as FailedInvitation[];
      expect(lines.map((l) => [l.email, l.outcome, l.code])).toEqual(
        emails.map((email) => [email, "failed", "errors.unexpected"]),
      );
      expect(lines[0]!.params?.ref).toMatch(/^[0-9a-f]{8}$/);
      expect(lines[1]!.params?.ref).toBe(lines[0]!.params?.ref);
      expect(await countRows(db)).toEqual(before);
      // The same failure rejects the whole call for a caller that waits for every address.
      await expect(
        sendInvitations(actor, sendInput(uniqueEmail(), { passwordDelivery: "email" })),
      ).rejects.toMatchObject({ cause: { message: "audit down" } });
    } finally {
      await db.execute(sql`drop trigger gatehouse_test_fail on audit_events`);
      await db.execute(sql`drop function gatehouse_test_fail()`);
    }
  });
});
