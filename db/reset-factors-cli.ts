import { closeDb } from "./client";
import { resetFactorsFromServer } from "@/lib/two-step/server-reset";

// `npm run account:reset-factors -- <email>`, on the server: the last resort for an account (the
// owner's included) that lost every two-step factor. It prints counts and organization names,
// never a secret; the account signs in with its password and enrolls again.
const email = process.argv[2];
if (!email || process.argv.length > 3) {
  console.error("Usage: npm run account:reset-factors -- <email>");
  process.exit(1);
}
const done = await resetFactorsFromServer(email);
await closeDb();
if (!done) {
  console.error(`No account has the address ${email}.`);
  process.exit(1);
}
console.log(
  [
    `Two-step verification reset for ${done.email}:`,
    `  ${done.factorsRemoved} method(s) and ${done.recoveryCodesRemoved} recovery code(s) removed, ${done.sessionsEnded} session(s) ended.`,
    `  Recorded in the audit log of: ${done.organizations.length ? done.organizations.join(", ") : "(no organization)"}.`,
    "  The account was emailed; it signs in with its password and sets up two-step verification again.",
  ].join("\n"),
);
