import { createTranslator } from "next-intl";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, memberships } from "@/db/schema";
import { auditCsvStream } from "@/lib/audit/export";
import { listAuditActors, listAuditEvents, type AuditEventView } from "@/lib/audit/list";
import type { AuditTranslator } from "@/lib/audit/present";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor";
import { loadMessages } from "@/lib/i18n/messages";
import { withTestDatabase } from "../support/db";
import { actorFor, addMember, createAccount, createOrganizationWithOwner } from "../support/factories";

const t = withTestDatabase();
const en = createTranslator({
  locale: "en",
  messages: loadMessages("en"),
  namespace: "audit",
}) as unknown as AuditTranslator;

type Seeded = { owner: Actor; other: Actor; userMember: Actor; stranger: Actor; removedAccountId: string };
let s: Seeded;

/** Rows of the shape recordAudit writes, at chosen times (ties included). */
async function seedEvents(
  organizationId: string,
  rows: { at: string; action: string; actor: { id: string; name: string; email: string }; label?: string }[],
) {
  await t
    .db()
    .insert(auditEvents)
    .values(
      rows.map((r) => ({
        organizationId,
        actorAccountId: r.actor.id,
        actorName: r.actor.name,
        actorEmail: r.actor.email,
        action: r.action,
        targetType: "member",
        targetId: "00000000-0000-0000-0000-000000000001",
        targetLabel: r.label ?? "target@example.com",
        details: {},
        ip: "198.51.100.4",
        userAgent: "Mozilla/5.0",
        createdAt: new Date(r.at),
      })),
    );
}

async function allPages(actor: Actor, filters = {}, pageSize = 7): Promise<AuditEventView[][]> {
  const pages: AuditEventView[][] = [];
  let before: string | undefined;
  for (;;) {
    const page = await listAuditEvents(actor, filters, before ? { before } : {}, { pageSize });
    pages.push(page.events);
    if (!page.older) return pages;
    before = page.older;
  }
}

beforeAll(async () => {
  const db = t.db();
  const a = await createOrganizationWithOwner(db, "Audited");
  const secondAdmin = await createAccount(db, { name: "Adam Admin" });
  const secondMembership = await addMember(db, a.org.id, secondAdmin.id);
  const user = await createAccount(db, { name: "Uma User" });
  const userMembership = await addMember(db, a.org.id, user.id, { role: "user" });
  const removed = await createAccount(db, { name: "Rita Removed", email: "rita.removed@example.com" });
  const removedMembership = await addMember(db, a.org.id, removed.id);
  const b = await createOrganizationWithOwner(db, "Elsewhere");
  s = {
    owner: a.actor,
    other: await actorFor(db, secondMembership.id),
    userMember: await actorFor(db, userMembership.id),
    stranger: b.actor,
    removedAccountId: removed.id,
  };
  const olivia = { id: a.owner.id, name: a.owner.name, email: a.owner.email };
  const adam = { id: secondAdmin.id, name: secondAdmin.name, email: secondAdmin.email };
  const rita = { id: removed.id, name: removed.name, email: removed.email };
  const rows = [];
  // 40 events, two per timestamp: the page boundaries fall between equal times.
  for (let i = 0; i < 40; i++) {
    const at = new Date(Date.UTC(2026, 2, 1 + Math.floor(i / 2), 12)).toISOString();
    rows.push({ at, action: i % 3 === 0 ? "settings.updated" : "member.updated", actor: i % 2 ? adam : olivia });
  }
  // Late on 9 March in UTC, already 10 March in Paris.
  rows.push({ at: "2026-03-09T23:30:00Z", action: "invitation.created", actor: rita });
  await seedEvents(a.org.id, rows);
  await seedEvents(b.org.id, [
    {
      at: "2026-03-05T10:00:00Z",
      action: "settings.updated",
      actor: { id: b.owner.id, name: b.owner.name, email: b.owner.email },
    },
  ]);
  // Rita leaves: her events keep her name and address.
  await db.delete(memberships).where(eq(memberships.id, removedMembership.id));
});

describe("the audit log", () => {
  it("walks every event once, newest first, across pages whose boundaries split equal times", async () => {
    const pages = await allPages(s.owner);
    const ids = pages.flat().map((e) => e.id);
    expect(ids.length).toBe(41);
    expect(new Set(ids).size).toBe(41);
    const order = pages.flat().map((e) => [e.createdAt.getTime(), e.id] as const);
    const sorted = [...order].sort((x, y) => y[0] - x[0] || y[1] - x[1]);
    expect(order).toEqual(sorted);
    expect(pages.slice(0, -1).every((p) => p.length === 7)).toBe(true);
  });

  it("goes back to newer pages with the same events", async () => {
    const first = await listAuditEvents(s.owner, {}, {}, { pageSize: 7 });
    expect(first.newer).toBeUndefined();
    const second = await listAuditEvents(s.owner, {}, { before: first.older }, { pageSize: 7 });
    const third = await listAuditEvents(s.owner, {}, { before: second.older }, { pageSize: 7 });
    const back = await listAuditEvents(s.owner, {}, { after: third.newer }, { pageSize: 7 });
    expect(back.events.map((e) => e.id)).toEqual(second.events.map((e) => e.id));
    const top = await listAuditEvents(s.owner, {}, { after: back.newer }, { pageSize: 7 });
    expect(top.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(top.newer).toBeUndefined();
  });

  it("filters by action", async () => {
    const events = (await allPages(s.owner, { action: "settings.updated" })).flat();
    expect(events.length).toBe(14);
    expect(new Set(events.map((e) => e.action))).toEqual(new Set(["settings.updated"]));
  });

  it("filters by actor", async () => {
    const events = (await allPages(s.owner, { actorAccountId: s.other.accountId })).flat();
    expect(events.length).toBe(20);
    expect(new Set(events.map((e) => e.actor.email))).toEqual(new Set([s.other.email]));
  });

  it("filters by a date range taken in the viewer's time zone", async () => {
    const day = { from: "2026-03-10", to: "2026-03-10" };
    const utc = (await listAuditEvents(s.owner, day, {}, { timeZone: "UTC" })).events;
    const paris = (await listAuditEvents(s.owner, day, {}, { timeZone: "Europe/Paris" })).events;
    expect(utc).toHaveLength(2);
    expect(utc.map((e) => e.action)).not.toContain("invitation.created");
    expect(paris).toHaveLength(3);
    expect(paris.map((e) => e.action)).toContain("invitation.created");
    const range = (await allPages(s.owner, { from: "2026-03-01", to: "2026-03-05" })).flat();
    expect(range.length).toBe(10);
    const combined = (
      await listAuditEvents(s.owner, {
        from: "2026-03-01",
        to: "2026-03-05",
        action: "settings.updated",
        actorAccountId: s.owner.accountId,
      })
    ).events;
    expect(combined.every((e) => e.action === "settings.updated" && e.actor.accountId === s.owner.accountId)).toBe(
      true,
    );
    expect(combined.length).toBe(2);
  });

  it("keeps the name and address of a member who has since left, and offers them as an actor", async () => {
    const [invite] = (await listAuditEvents(s.owner, { action: "invitation.created" })).events;
    expect(invite?.actor).toEqual({
      accountId: s.removedAccountId,
      name: "Rita Removed",
      email: "rita.removed@example.com",
    });
    const actors = await listAuditActors(s.owner);
    expect(actors.map((a) => a.name)).toEqual(["Adam Admin", "Olivia Owner", "Rita Removed"]);
  });

  it("shows an administrator of another organization only their own events", async () => {
    const events = (await listAuditEvents(s.stranger, {})).events;
    expect(events).toHaveLength(1);
    expect(events[0]?.actor.accountId).not.toBe(s.owner.accountId);
    expect((await listAuditEvents(s.stranger, { actorAccountId: s.owner.accountId })).events).toEqual([]);
    expect((await listAuditActors(s.stranger)).map((a) => a.accountId)).not.toContain(s.owner.accountId);
  });

  it("refuses a user member", async () => {
    await expect(listAuditEvents(s.userMember, {})).rejects.toMatchObject({ code: "forbidden" });
    await expect(listAuditActors(s.userMember)).rejects.toMatchObject({ code: "forbidden" });
    // Refused before the stream exists: nothing is read for a caller without the permission.
    expect(() => auditCsvStream(s.userMember, {}, { timeZone: "UTC", t: en })).toThrow(
      expect.objectContaining({ code: "forbidden" }),
    );
  });
});

describe("recording", () => {
  it("never stores a secret, whatever the caller passes", async () => {
    await t.db().transaction((tx) =>
      recordAudit(tx, {
        organizationId: s.owner.organizationId,
        actor: s.owner,
        action: "invitation.created",
        target: { type: "invitation", id: "x", label: "secret.holder@example.com" },
        details: {
          role: "administrator",
          temporaryPassword: "Kx7pQ2mN9vR4sT8w",
          key: "k",
          keyHash: "h",
          passwordDelivery: "manual",
        },
      }),
    );
    const [row] = await t
      .db()
      .select({ details: auditEvents.details, ip: auditEvents.ip })
      .from(auditEvents)
      .where(eq(auditEvents.targetLabel, "secret.holder@example.com"));
    expect(row).toEqual({ details: { role: "administrator", passwordDelivery: "manual" }, ip: "203.0.113.7" });
  });
});

describe("CSV export", () => {
  it("streams the filtered view with formula-like cells neutralised", async () => {
    const db = t.db();
    const org = await createOrganizationWithOwner(db, "Spreadsheet");
    const evil = { id: org.owner.id, name: '=HYPERLINK("http://evil.example","x")', email: "+1@example.com" };
    await seedEvents(org.org.id, [
      { at: "2026-04-01T10:00:00Z", action: "member.updated", actor: evil, label: "-2+3" },
      { at: "2026-04-01T11:00:00Z", action: "member.removed", actor: evil, label: "@SUM(A1)" },
      { at: "2026-04-01T12:00:00Z", action: "settings.updated", actor: evil, label: "plain" },
    ]);
    const csv = await new Response(
      auditCsvStream(org.actor, { action: "member.updated" }, { timeZone: "UTC", t: en }),
    ).text();
    const lines = csv
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe(
      '"Time (UTC)","Actor name","Actor email","Action","Description","Target type","Target","IP address","User agent","Details"',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"\'=HYPERLINK(""http://evil.example"",""x"")"');
    expect(lines[1]).toContain('"\'+1@example.com"');
    expect(lines[1]).toContain('"\'-2+3"');
    expect(lines[1]).toContain('"2026-04-01T10:00:00.000Z"');
    const all = await new Response(auditCsvStream(org.actor, {}, { timeZone: "UTC", t: en })).text();
    expect(all).toContain('"\'@SUM(A1)"');
    expect(all.match(/\r\n/g)).toHaveLength(1 + 3);
  });

  it("streams an export larger than one batch in order", async () => {
    const db = t.db();
    const org = await createOrganizationWithOwner(db, "Bulk");
    const who = { id: org.owner.id, name: "Olivia", email: "olivia@example.com" };
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 1000).toISOString(),
      action: "member.updated",
      actor: who,
      label: `m${i}@example.com`,
    }));
    await seedEvents(org.org.id, rows);
    const csv = await new Response(auditCsvStream(org.actor, {}, { timeZone: "UTC", t: en })).text();
    const lines = csv.trimEnd().split("\r\n").slice(1);
    expect(lines).toHaveLength(2500);
    const labels = new Set(lines.map((l) => /"(m\d+@example\.com)"/.exec(l)?.[1]));
    expect(labels.size).toBe(2500);
  });
});
