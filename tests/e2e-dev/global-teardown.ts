import { rmSync } from "node:fs";
import teardown from "../e2e/support/global-teardown";

/** Drops the run's database, as the production suite does, and removes its temporary directory. */
export default async function devTeardown() {
  await teardown();
  if (process.env.E2E_DEV_TMP) rmSync(process.env.E2E_DEV_TMP, { recursive: true, force: true });
}
