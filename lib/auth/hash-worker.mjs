// Runs in a worker thread (piscina): bcrypt at cost 12 takes ~350 ms of CPU, which would
// otherwise stall every request on the event loop.
import { createHash } from "node:crypto";
import bcrypt from "bcryptjs";

// NFKC so that the same password typed on another keyboard or OS still matches; SHA-256 first
// so that every character counts (bcrypt alone ignores bytes past the 72nd).
function prepare(password) {
  return createHash("sha256").update(password.normalize("NFKC"), "utf8").digest("base64");
}

export default function run(task) {
  if (task.op === "hash") return bcrypt.hashSync(prepare(task.password), task.cost);
  if (task.op === "compare") return bcrypt.compareSync(prepare(task.password), task.hash);
  throw new Error("Unknown operation");
}
