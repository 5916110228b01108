import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryCounter } from "@/db/query-counter";
import { rowsOf } from "@/db/rows";
import { fillOrganization } from "@/db/seed-data";
import { accounts, emailOutbox, invitations, memberships } from "@/db/schema";
import { listMembers } from "@/lib/members/list";
import { membersQuerySchema, type MembersQuery } from "@/lib/validations/members";
import { withTestDatabase } from "../support/db";
import {
  addMember,
  createAccount,
  createOrganizationWithOwner,
  testPasswordHash,
  uniqueEmail,
} from "../support/factories";

const t = withTestDatabase();
const query = (q: Partial<MembersQuery> = {}): MembersQuery => membersQuerySchema.parse(q);

async function invite(
  orgId: string,
  inviterId: string,
  options: { expiresAt?: Date; emailStatus?: "queued" | "retrying" | "failed" | "sent"; lastError?: string } = {},
) {
  const db = t.db();
  const account = await createAccount(db, {
    name: "Ivy Invitee",
    email: uniqueEmail("ivy"),
    passwordIsTemporary: true,
  });
  const membership = await addMember(db, orgId, account.id, { role: "administrator", status: "invited" });
  const [email] = await db
    .insert(emailOutbox)
    .values({
      organizationId: orgId,
      template: "invitation",
      locale: "en",
      toAddress: account.email,
      payload: {},
      status: options.emailStatus ?? "queued",
      lastError: options.lastError ?? null,
    })
    .returning();
  const [invitation] = await db
    .insert(invitations)
    .values({
      organizationId: orgId,
      accountId: account.id,
      membershipId: membership.id,
      email: account.email,
      emailNormalized: account.emailNormalized,
      role: "administrator",
      invitedByAccountId: inviterId,
      keyHash: "a".repeat(64),
      expiresAt: options.expiresAt ?? new Date(Date.now() + 7 * 86_400_000),
      locale: "en",
      passwordDelivery: "email",
      lastEmailId: email!.id,
    })
    .returning();
  return { account, membership, invitation: invitation! };
}

describe("the member list", () => {
  it("lists members and invitations with status, inviter and email delivery, owner first", async () => {
    const db = t.db();
    const { org, owner, actor } = await createOrganizationWithOwner(db, "Listing");
    const user = await createAccount(db, { name: "Uma User" });
    await addMember(db, org.id, user.id, { role: "user", tags: ["external"] });
    const off = await createAccount(db, { name: "Dan Disabled" });
    await addMember(db, org.id, off.id, { role: "user", status: "disabled" });
    const pending = await invite(org.id, owner.id, { emailStatus: "failed", lastError: "Mailbox full" });
    const lapsed = await invite(org.id, owner.id, { expiresAt: new Date(Date.now() - 1000), emailStatus: "sent" });

    const list = await listMembers(actor, query());
    expect(list.total).toBe(5);
    expect(list.soleActiveAdministrator).toBe(true);
    expect(list.rows[0]).toMatchObject({ accountId: owner.id, isOwner: true, status: "active", invitation: null });
    const byAccount = new Map(list.rows.map((r) => [r.accountId, r]));
    expect(byAccount.get(user.id)).toMatchObject({ status: "active", role: "user", tags: ["external"] });
    expect(byAccount.get(off.id)?.status).toBe("disabled");
    expect(byAccount.get(pending.account.id)).toMatchObject({
      status: "invited",
      invitedByName: "Olivia Owner",
      invitation: { id: pending.invitation.id, delivery: { state: "failed", reason: "Mailbox full" } },
    });
    expect(byAccount.get(lapsed.account.id)).toMatchObject({
      status: "expired",
      invitation: { delivery: { state: "sent" } },
    });
    expect(Object.keys(list.rows[0]!)).not.toContain("passwordHash");

    // A second active administrator (however many more there are) ends the "only one" state.
    for (const name of ["Ada Admin", "Alan Admin", "Anita Admin"]) {
      await addMember(db, org.id, (await createAccount(db, { name })).id, { role: "administrator" });
      expect((await listMembers(actor, query())).soleActiveAdministrator).toBe(false);
    }
  });

  it("searches name or address case-insensitively, LIKE characters taken literally, and filters by role and status", async () => {
    const db = t.db();
    const { org, owner, actor } = await createOrganizationWithOwner(db, "Search");
    const grace = await createAccount(db, { name: "Grace Hopper", email: uniqueEmail("Admiral") });
    await addMember(db, org.id, grace.id, { role: "user" });
    const percent = await createAccount(db, { name: "100% Pat", email: uniqueEmail("pat") });
    await addMember(db, org.id, percent.id, { role: "administrator", status: "disabled" });
    await invite(org.id, owner.id, { expiresAt: new Date(Date.now() - 1000) });

    const names = async (q: Partial<MembersQuery>) => (await listMembers(actor, query(q))).rows.map((r) => r.name);
    expect(await names({ q: "HOPP" })).toEqual(["Grace Hopper"]);
    expect(await names({ q: "admiral" })).toEqual(["Grace Hopper"]);
    expect(await names({ q: "0%" })).toEqual(["100% Pat"]);
    expect(await names({ q: "%" })).toEqual(["100% Pat"]);
    expect(await names({ q: "_" })).toEqual([]);
    expect(await names({ role: "user" })).toEqual(["Grace Hopper"]);
    expect(await names({ status: "disabled" })).toEqual(["100% Pat"]);
    expect(await names({ status: "expired" })).toEqual([expect.stringMatching(/^ivy\./)]);
    expect(await names({ status: "invited" })).toEqual([]);
    expect(await names({ role: "administrator", status: "active" })).toEqual(["Olivia Owner"]);
    const none = await listMembers(actor, query({ q: "nobody-here" }));
    expect(none).toMatchObject({ rows: [], total: 0, pageCount: 1 });
  });

  it("shows only the actor's organization", async () => {
    const db = t.db();
    const mine = await createOrganizationWithOwner(db, "Mine");
    const theirs = await createOrganizationWithOwner(db, "Theirs");
    const stranger = await createAccount(db, { name: "Stranger Danger" });
    await addMember(db, theirs.org.id, stranger.id);
    const list = await listMembers(mine.actor, query());
    expect(list.rows.map((r) => r.accountId)).toEqual([mine.owner.id]);
    expect(list.total).toBe(1);
  });

  it("reads a seeded 10,000-member organization with the same number of queries on page 1 and page 400", async () => {
    const db = t.db();
    const { org, owner, actor } = await createOrganizationWithOwner(db, "Scale");
    await fillOrganization(db, org.id, {
      members: 10_000,
      invitations: 2_000,
      passwordHash: testPasswordHash("seeded"),
      invitedByAccountId: owner.id,
    });
    expect(await db.$count(memberships, eq(memberships.organizationId, org.id))).toBe(12_001);

    const first = await queryCounter.count(() => listMembers(actor, query({ page: 1 })));
    const deep = await queryCounter.count(() => listMembers(actor, query({ page: 400 })));
    const searched = await queryCounter.count(() =>
      listMembers(actor, query({ q: "hopper", status: "active", page: 3 })),
    );
    expect(first.result.rows).toHaveLength(25);
    expect(deep.result.rows).toHaveLength(25);
    expect(first.result.total).toBe(12_001);
    expect(deep.result.pageCount).toBe(481);
    expect(new Set([...first.result.rows, ...deep.result.rows].map((r) => r.membershipId)).size).toBe(50);
    expect(first.queries).toBe(1);
    expect(deep.queries).toBe(first.queries);
    expect(searched.queries).toBe(first.queries);
    expect(searched.result.rows.every((r) => r.name.includes("Hopper") && r.status === "active")).toBe(true);
  }, 300_000);

  it("sorts by the account's name, kept in memberships.sort_name by the database, also after a rename", async () => {
    const db = t.db();
    const { org, actor } = await createOrganizationWithOwner(db, "Sorting");
    const zoe = await createAccount(db, { name: "zoë Zimmer" });
    const bob = await createAccount(db, { name: "Bob Baker" });
    const amy = await createAccount(db, { name: "amy Archer" });
    for (const account of [zoe, bob, amy]) await addMember(db, org.id, account.id, { role: "user" });
    const names = async () => (await listMembers(actor, query())).rows.filter((r) => !r.isOwner).map((r) => r.name);

    // Case-insensitive, whatever the order of insertion; the application never writes sort_name.
    expect(await names()).toEqual(["amy Archer", "Bob Baker", "zoë Zimmer"]);
    const [row] = await db
      .select({ sortName: memberships.sortName })
      .from(memberships)
      .where(eq(memberships.accountId, bob.id));
    expect(row?.sortName).toBe("bob baker");

    await db.update(accounts).set({ name: "Aaron Baker" }).where(eq(accounts.id, bob.id));
    expect(await names()).toEqual(["Aaron Baker", "amy Archer", "zoë Zimmer"]);

    // A write of the key itself is recomputed from the account.
    await db.update(memberships).set({ sortName: "zzz" }).where(eq(memberships.accountId, amy.id));
    expect(await names()).toEqual(["Aaron Baker", "amy Archer", "zoë Zimmer"]);

    // Paging walks the same order.
    expect((await listMembers(actor, query({ page: 1 }))).total).toBe(4);
  });

  it("takes the unfiltered total from organization_member_counts, kept by the database as memberships come and go", async () => {
    const db = t.db();
    const { org, actor } = await createOrganizationWithOwner(db, "Counting");
    const total = async () => (await listMembers(actor, query())).total;
    const counted = async () =>
      rowsOf<{ n: number }>(
        await db.execute(sql`select count(*)::int as n from memberships where organization_id = ${org.id}`),
      )[0]!.n;
    expect(await total()).toBe(1);

    const people = await Promise.all(Array.from({ length: 12 }, (_, i) => createAccount(db, { name: `Person ${i}` })));
    // Concurrent inserts, each its own statement: none is lost.
    await Promise.all(people.map((p) => addMember(db, org.id, p.id, { role: "user" })));
    expect(await total()).toBe(13);

    await db.delete(memberships).where(eq(memberships.accountId, people[0]!.id));
    // An account's deletion removes its memberships by cascade: counted too.
    await db.delete(accounts).where(eq(accounts.id, people[1]!.id));
    expect(await total()).toBe(11);
    expect(await total()).toBe(await counted());

    // Filtered, the matches themselves are counted.
    expect((await listMembers(actor, query({ role: "user" }))).total).toBe(10);
    const drift = rowsOf<{ n: number }>(
      await db.execute(
        sql`select count(*)::int as n from organization_member_counts c
          where c.member_count <> (select count(*) from memberships m where m.organization_id = c.organization_id)`,
      ),
    );
    expect(drift[0]!.n).toBe(0);
  });

  it("searches memberships.search_text, kept by the database from the account's name and address", async () => {
    const db = t.db();
    const { org, actor } = await createOrganizationWithOwner(db, "Searching");
    const ada = await createAccount(db, { name: "Ada Lovelace", email: "countess@analytical.example.com" });
    await addMember(db, org.id, ada.id, { role: "user" });
    const found = async (q: string) => (await listMembers(actor, query({ q }))).rows.map((r) => r.name);

    expect(await found("lovelace")).toEqual(["Ada Lovelace"]);
    expect(await found("COUNTESS@")).toEqual(["Ada Lovelace"]);
    // The name's end and the address's start are two lines: a search does not run across them,
    // even one that carries a line feed.
    expect(await found("lovelace countess")).toEqual([]);
    expect(await found("lovelace\ncountess")).toEqual([]);

    await db
      .update(accounts)
      .set({ name: "Augusta King", email: "augusta@example.com", emailNormalized: "augusta@example.com" })
      .where(eq(accounts.id, ada.id));
    expect(await found("lovelace")).toEqual([]);
    expect(await found("countess")).toEqual([]);
    expect(await found("king")).toEqual(["Augusta King"]);
    expect(await found("augusta@")).toEqual(["Augusta King"]);

    // A write of the column itself is recomputed from the account.
    await db.update(memberships).set({ searchText: "anything" }).where(eq(memberships.accountId, ada.id));
    expect(await found("anything")).toEqual([]);
    expect(await found("king")).toEqual(["Augusta King"]);
  });
  it("gives every member once, in order, page after page: the second half of the list read from its end", async () => {
    const db = t.db();
    const { org, owner, actor } = await createOrganizationWithOwner(db, "Pages");
    await fillOrganization(db, org.id, {
      members: 110,
      invitations: 11,
      passwordHash: testPasswordHash("seeded"),
      invitedByAccountId: owner.id,
    });
    // The whole list in the page's order, read without paging.
    const expected = async (condition: ReturnType<typeof sql>) =>
      rowsOf<{ id: string }>(
        await db.execute(sql`
          select m.id from memberships m where m.organization_id = ${org.id} and ${condition}
          order by m.is_owner desc nulls last, m.sort_name, m.id`),
      ).map((r) => r.id);
    const walk = async (q: Partial<MembersQuery>) => {
      const first = await listMembers(actor, query(q));
      const ids = first.rows.map((r) => r.membershipId);
      for (let page = 2; page <= first.pageCount + 1; page++) {
        const next = await listMembers(actor, query({ ...q, page }));
        expect(next.total).toBe(first.total);
        ids.push(...next.rows.map((r) => r.membershipId));
      }
      return { ids, total: first.total, pageCount: first.pageCount };
    };

    // 122 memberships: pages of 25, 25, 25, 25 and 22 (pages 3 to 5 are past the middle), then none.
    const all = await walk({});
    expect(all.total).toBe(122);
    expect(all.pageCount).toBe(5);
    expect(all.ids).toEqual(await expected(sql`true`));
    // Filtered, the total is counted, and the last page is read from the end of the matches.
    const administrators = await walk({ role: "administrator" });
    expect(administrators.ids).toEqual(await expected(sql`m.role = 'administrator'`));
    expect(administrators.ids.length).toBe(administrators.total);
    const searched = await walk({ q: "a" });
    expect(searched.ids).toEqual(await expected(sql`m.search_text like '%a%'`));
    expect(searched.ids.length).toBeGreaterThan(50);
  });
});
