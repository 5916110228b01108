"use server";

import { publicAction } from "@/lib/action";
import { startSession } from "@/lib/auth/session";
import { completeFirstRun } from "@/lib/setup/first-run";
import { setupSchema } from "@/lib/validations/auth";

export const setupAction = publicAction(
  setupSchema,
  async (input, meta) => {
    const done = await completeFirstRun(input, meta);
    await startSession(done.accountId, done.sessionVersion);
    return done.organization.slug;
  },
  { redirectTo: (organizationSlug) => `/o/${organizationSlug}` },
);
