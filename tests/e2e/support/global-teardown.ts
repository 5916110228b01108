import { dropDatabases } from "../../support/postgres-admin";

export default async function teardown() {
  const name = process.env.E2E_DATABASE_NAME;
  if (name) await dropDatabases(process.env.E2E_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", name);
}
