import { parseArgs } from "node:util";
import { env } from "@/lib/env";
import { hashPassword, closeHashPool } from "@/lib/auth/password";
import { insertOrganizationWithOwner } from "@/lib/organizations/create";
import { closeDb, getDb } from "./client";
import { accounts } from "./schema";
import { fillOrganization } from "./seed-data";

// `npm run db:seed -- --members 10000 --invitations 2000 [--organization "Seeded Co"]`
// Creates an organization whose owner signs in with the printed address and password, then fills it.
const { values } = parseArgs({
  options: {
    members: { type: "string", default: "10000" },
    invitations: { type: "string", default: "2000" },
    organization: { type: "string", default: "Seeded Co" },
    password: { type: "string", default: "seeded password 1234" },
  },
});
const members = Number(values.members);
const invitationCount = Number(values.invitations);
if (!Number.isInteger(members) || members < 0 || !Number.isInteger(invitationCount) || invitationCount < 0) {
  console.error("--members and --invitations take whole numbers.");
  process.exit(1);
}

const started = Date.now();
const db = await getDb();
const passwordHash = await hashPassword(values.password);
const ownerEmail = `owner.${Date.now().toString(36)}@seed.example.com`;
const organization = await db.transaction(async (tx) => {
  const [owner] = await tx
    .insert(accounts)
    .values({
      email: ownerEmail,
      emailNormalized: ownerEmail,
      name: "Seed Owner",
      passwordHash,
      passwordChangedAt: new Date(),
    })
    .returning({ id: accounts.id });
  if (!owner) throw new Error("owner insert returned no row");
  const org = await insertOrganizationWithOwner(tx, {
    name: values.organization,
    ownerAccountId: owner.id,
    actor: { accountId: owner.id, name: "Seed Owner", email: ownerEmail },
  });
  return { ...org, ownerId: owner.id };
});
await fillOrganization(db, organization.id, {
  members,
  invitations: invitationCount,
  passwordHash,
  invitedByAccountId: organization.ownerId,
});
await closeDb();
await closeHashPool();

console.log(
  `Seeded ${env.DATABASE_URL ? "DATABASE_URL" : env.PGLITE_DIR} in ${((Date.now() - started) / 1000).toFixed(1)} s:`,
);
console.log(
  `  organization "${organization.name}" at /o/${organization.slug} with ${members} members and ${invitationCount} invitations`,
);
console.log(`  owner: ${ownerEmail} / ${values.password}`);
