import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database } from "./client";

const FIRST_NAMES = [
  "Ada",
  "Alan",
  "Grace",
  "Linus",
  "Margaret",
  "Dennis",
  "Barbara",
  "Ken",
  "Frances",
  "Edsger",
  "Radia",
  "Niklaus",
  "Hedy",
  "Tim",
  "Katherine",
  "Donald",
  "Sophie",
  "John",
  "Karen",
  "Guido",
];
const LAST_NAMES = [
  "Lovelace",
  "Turing",
  "Hopper",
  "Torvalds",
  "Hamilton",
  "Ritchie",
  "Liskov",
  "Thompson",
  "Allen",
  "Dijkstra",
  "Perlman",
  "Wirth",
  "Lamarr",
  "Berners-Lee",
  "Johnson",
  "Knuth",
  "Wilson",
  "McCarthy",
  "Spärck Jones",
  "van Rossum",
];

// Constants of this file, not input: safe to write into the statement.
const textArray = (values: string[]) => sql.raw(`array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]`);

export type FillOptions = {
  members: number;
  invitations: number;
  /** One bcrypt hash every seeded account shares: hashing thousands of passwords would take minutes. */
  passwordHash: string;
  invitedByAccountId: string;
};

/**
 * Fills an organization with members (a mix of roles, statuses, tags and sign-ins) and open
 * invitations (some expired; emails sent, retrying or failed). Each table is filled by one
 * INSERT … SELECT over generate_series, so 10,000 members take seconds. Development and
 * benchmark data: it writes rows directly, without the product's rules.
 */
export async function fillOrganization(db: Database, organizationId: string, options: FillOptions): Promise<void> {
  const run = randomBytes(3).toString("hex");
  const people = (from: number, count: number) => sql`
    from generate_series(${from}::int, ${from + count - 1}::int) g,
    lateral (select (${textArray(FIRST_NAMES)})[1 + g % ${FIRST_NAMES.length}] as first_name,
                    (${textArray(LAST_NAMES)})[1 + (g / ${FIRST_NAMES.length}) % ${LAST_NAMES.length}] as last_name) p,
    lateral (select p.first_name || ' ' || p.last_name as name,
                    lower(regexp_replace(p.first_name || '.' || p.last_name, '[^A-Za-z.]', '', 'g')) || '.' || g || '.' || ${run} || '@seed.example.com' as email) x`;
  // Ids derived from the run and the row number, so each table can refer to the others' rows.
  const id = (kind: string) => sql`md5(${run} || ${kind} || g)::uuid`;
  const members = options.members;
  const invited = options.invitations;

  await db.transaction(async (tx) => {
    if (members > 0) {
      await tx.execute(sql`
        insert into accounts (id, email, email_normalized, name, password_hash, last_sign_in_at)
        select ${id("account")}, x.email, x.email, x.name, ${options.passwordHash},
          case when g % 4 = 0 then null else now() - (g % 90) * interval '1 day' end
        ${people(0, members)}`);
      await tx.execute(sql`
        insert into memberships (organization_id, account_id, role, status, access_expires_at, tags, invited_by_account_id, invited_at, joined_at)
        select ${organizationId}, ${id("account")},
          (case when g % 20 = 0 then 'administrator' else 'user' end)::membership_role,
          (case when g % 17 = 0 then 'disabled' else 'active' end)::membership_status,
          case when g % 11 = 0 then now() + ((g % 60) + 1) * interval '1 day' end,
          array_remove(array[case when g % 7 = 0 then 'external' end, case when g % 33 = 0 then 'privileged' end], null),
          ${options.invitedByAccountId}, now() - ((g % 300) + 30) * interval '1 day', now() - ((g % 300) + 29) * interval '1 day'
        from generate_series(0, ${members - 1}::int) g`);
    }
    if (invited > 0) {
      const from = members;
      const to = members + invited - 1;
      await tx.execute(sql`
        insert into accounts (id, email, email_normalized, name, password_hash, password_is_temporary, created_by_invitation_id)
        select ${id("account")}, x.email, x.email, x.name, ${options.passwordHash}, true, ${id("invitation")}
        ${people(from, invited)}`);
      // Seeded emails carry no real content: none is queued, and a retrying one is not due for a year.
      await tx.execute(sql`
        insert into email_outbox (id, organization_id, template, locale, to_address, payload, status, attempts, next_attempt_at, last_error, sent_at)
        select ${id("email")}, ${organizationId}, 'invitation', 'en', a.email, jsonb_build_object('seeded', true),
          (array['sent','sent','sent','retrying','failed'])[1 + g % 5]::email_status,
          case when g % 5 < 3 then 1 else 3 end,
          now() + interval '365 days',
          (array[null, null, null, 'Temporary failure', 'Mailbox unavailable'])[1 + g % 5],
          case when g % 5 < 3 then now() end
        from generate_series(${from}::int, ${to}::int) g join accounts a on a.id = ${id("account")}`);
      await tx.execute(sql`
        insert into memberships (id, organization_id, account_id, role, status, invited_by_account_id, invited_at)
        select ${id("membership")}, ${organizationId}, ${id("account")},
          (case when g % 3 = 0 then 'administrator' else 'user' end)::membership_role, 'invited',
          ${options.invitedByAccountId}, now() - (g % 10) * interval '1 day'
        from generate_series(${from}::int, ${to}::int) g`);
      // Every eighth invitation has lapsed: the page shows it as "Invitation expired".
      await tx.execute(sql`
        insert into invitations (id, organization_id, account_id, membership_id, email, email_normalized, role, invited_by_account_id,
          key_hash, expires_at, locale, password_delivery, last_email_id, created_at)
        select ${id("invitation")}, ${organizationId}, a.id, ${id("membership")}, a.email, a.email_normalized,
          (case when g % 3 = 0 then 'administrator' else 'user' end)::membership_role, ${options.invitedByAccountId},
          encode(sha256(convert_to(${run} || 'key' || g, 'UTF8')), 'hex'),
          case when g % 8 = 0 then now() - interval '1 day' else now() + (7 - g % 7) * interval '1 day' end,
          'en', (case when g % 2 = 0 then 'email' else 'manual' end)::password_delivery, ${id("email")},
          now() - (g % 10) * interval '1 day'
        from generate_series(${from}::int, ${to}::int) g join accounts a on a.id = ${id("account")}`);
    }
  });
  // What autovacuum would do later: fresh statistics for the planner, and the visibility map
  // that lets counts and the Users list read their indexes without visiting the table.
  await db.execute(sql`vacuum analyze accounts, memberships, invitations, email_outbox`);
}
