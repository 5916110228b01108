import "server-only";
import { availableParallelism } from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import { env } from "@/lib/env";

const globalKey = Symbol.for("gatehouse.hashPool");
type GlobalWithPool = typeof globalThis & { [globalKey]?: Piscina };

// Hashes running now and the most at once since the pool started, counted by the worker threads
// themselves (hash-worker.mjs) in memory they share with this thread.
const inFlightKey = Symbol.for("gatehouse.hashPoolInFlight");
type GlobalWithCounter = typeof globalThis & { [inFlightKey]?: Int32Array };
function inFlightCounter(): Int32Array {
  const store = globalThis as GlobalWithCounter;
  store[inFlightKey] ??= new Int32Array(new SharedArrayBuffer(8));
  return store[inFlightKey];
}

/**
 * Worker threads: one per core on Linux, where each worker lowers its own thread's priority so
 * the event loop always comes first (a run of new accounts hashes on every core while pages keep
 * their pace); one core fewer elsewhere, where a thread cannot be given its own priority.
 */
function defaultThreads(): number {
  const cores = availableParallelism();
  return process.platform === "linux" ? cores : Math.max(1, cores - 1);
}

function pool(): Piscina {
  const store = globalThis as GlobalWithPool;
  store[globalKey] ??= new Piscina({
    filename: path.join(process.cwd(), "lib", "auth", "hash-worker.mjs"),
    maxThreads: env.HASH_WORKERS ?? defaultThreads(),
    minThreads: 1,
    idleTimeout: 60_000,
    workerData: { inFlight: inFlightCounter() },
  });
  return store[globalKey];
}

/** How many hashes the worker threads are running now, and the most they have run at once. */
export function hashesInFlight(): { now: number; peak: number } {
  const counter = inFlightCounter();
  return { now: Atomics.load(counter, 0), peak: Atomics.load(counter, 1) };
}

/** Starts counting the peak again from the hashes running now. */
export function resetHashPeak(): void {
  const counter = inFlightCounter();
  Atomics.store(counter, 1, Atomics.load(counter, 0));
}

/** bcrypt hash of a password, computed off the event loop. */
export function hashPassword(password: string): Promise<string> {
  return pool().run({ op: "hash", password, cost: env.BCRYPT_COST });
}

/** Whether a password matches a hash; off the event loop. */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return pool().run({ op: "compare", password, hash });
}

// A hash of a random string at the configured cost, compared against when an address has no
// account, so that the answer takes as long as for a real account.
let decoy: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword(`decoy-${Math.random()}`);
  await verifyPassword(password, await decoy);
  return false;
}

export async function closeHashPool(): Promise<void> {
  const store = globalThis as GlobalWithPool;
  const p = store[globalKey];
  store[globalKey] = undefined;
  await p?.destroy();
}
