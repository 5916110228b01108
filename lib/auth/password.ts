import "server-only";
import { availableParallelism } from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import { env } from "@/lib/env";

const globalKey = Symbol.for("gatehouse.hashPool");
type GlobalWithPool = typeof globalThis & { [globalKey]?: Piscina };

function pool(): Piscina {
  const store = globalThis as GlobalWithPool;
  store[globalKey] ??= new Piscina({
    filename: path.join(process.cwd(), "lib", "auth", "hash-worker.mjs"),
    // Leave one core to the event loop: hashing must never starve request handling.
    maxThreads: env.HASH_WORKERS ?? Math.max(1, availableParallelism() - 1),
    minThreads: 1,
    idleTimeout: 60_000,
  });
  return store[globalKey];
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
