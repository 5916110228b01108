// Runs in a worker thread (piscina): bcrypt at cost 12 takes ~350 ms of CPU, which would
// otherwise stall every request on the event loop.
import { createHash } from "node:crypto";
import { setPriority } from "node:os";
import bcrypt from "bcryptjs";
import { workerData } from "piscina";

// On Linux a thread's priority is its own: this worker yields to the event loop whenever both
// want a core (elsewhere setPriority would lower the whole process, so it is left alone).
if (process.platform === "linux") {
  try {
    setPriority(19);
  } catch {
    // A container that forbids it: the pool still works, at the usual priority.
  }
}

// [hashes running now, most at once], shared with the pool's owner (lib/auth/password.ts).
const inFlight = workerData?.inFlight;

function counted(work) {
  if (!inFlight) return work();
  const now = Atomics.add(inFlight, 0, 1) + 1;
  for (let peak = Atomics.load(inFlight, 1); now > peak; peak = Atomics.load(inFlight, 1)) {
    if (Atomics.compareExchange(inFlight, 1, peak, now) === peak) break;
  }
  try {
    return work();
  } finally {
    Atomics.sub(inFlight, 0, 1);
  }
}

// NFKC so that the same password typed on another keyboard or OS still matches; SHA-256 first
// so that every character counts (bcrypt alone ignores bytes past the 72nd).
function prepare(password) {
  return createHash("sha256").update(password.normalize("NFKC"), "utf8").digest("base64");
}

export default function run(task) {
  if (task.op === "hash") return counted(() => bcrypt.hashSync(prepare(task.password), task.cost));
  if (task.op === "compare") return counted(() => bcrypt.compareSync(prepare(task.password), task.hash));
  throw new Error("Unknown operation");
}
