import { AsyncLocalStorage } from "node:async_hooks";

type Counter = { queries: number };
const storage = new AsyncLocalStorage<Counter>();

/** Counts the queries Drizzle issues inside a scope (tests and the benchmark read it). */
export const queryCounter = {
  increment(): void {
    const counter = storage.getStore();
    if (counter) counter.queries++;
  },
  async count<T>(fn: () => Promise<T>): Promise<{ result: T; queries: number }> {
    const counter: Counter = { queries: 0 };
    const result = await storage.run(counter, fn);
    return { result, queries: counter.queries };
  },
};
