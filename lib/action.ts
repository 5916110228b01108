import "server-only";
import { randomUUID } from "node:crypto";
import { getTranslations } from "next-intl/server";
import type { z } from "zod";
import { getCurrentAccount, getMembershipAccess, type CurrentAccount } from "@/lib/auth/current";
import { assertCan, type Actor } from "@/lib/auth/actor";
import { getRequestMeta, type RequestMeta } from "@/lib/auth/request-meta";
import { DomainError, forbidden } from "@/lib/errors";
import { logger } from "@/lib/logger";
import type { Permission } from "@/lib/permissions";
import { nulBytePaths } from "@/lib/validations/text";
import type { ActionResult, FieldErrors } from "./action-result";

export type { ActionResult, FieldErrors } from "./action-result";

type Translate = Awaited<ReturnType<typeof getTranslations>>;

/**
 * A message key: `code` in the default namespace, or a full key when it names its namespace
 * (`invitations.alreadyMember`), so each domain keeps its messages in its own catalog file.
 */
export function messageKey(code: string, defaultNamespace: string): string {
  return code.includes(".") ? code : `${defaultNamespace}.${code}`;
}

/** Zod issues → translated messages per field. Schema messages are keys of the `validation` catalog. */
export function fieldErrorsFrom(issues: z.core.$ZodIssue[], t: Translate): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path.length ? issue.path.join(".") : "_form";
    const key = messageKey(issue.message, "validation");
    const message = t.has(key) ? t(key) : t("validation.invalid");
    const list = (out[field] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return out;
}

async function failureFrom(error: unknown): Promise<ActionResult<never>> {
  const t = await getTranslations();
  if (error instanceof DomainError) {
    const key = messageKey(error.code, "errors");
    const message = t.has(key) ? t(key, error.options.params ?? {}) : t("errors.invalid");
    return error.options.field
      ? { ok: false, code: error.code, fieldErrors: { [error.options.field]: [message] } }
      : { ok: false, code: error.code, formError: message };
  }
  const ref = randomUUID().slice(0, 8);
  logger.error("action failed", { ref, error });
  return { ok: false, code: "unexpected", formError: t("errors.unexpected", { ref }) };
}

/**
 * Parses input with the schema (all field errors, never only the first), runs the domain call,
 * and maps expected failures to values. Unexpected errors are logged once with a reference id.
 */
export async function runAction<S extends z.ZodType, T>(
  schema: S,
  raw: unknown,
  run: (input: z.output<S>) => Promise<T>,
): Promise<ActionResult<T>> {
  try {
    const parsed = schema.safeParse(raw);
    // A NUL byte is refused in whatever string it hides, whether or not the schema checks it:
    // the database would otherwise fail on it as an unexpected error.
    const withNul = nulBytePaths(raw);
    if (!parsed.success || withNul.length > 0) {
      const t = await getTranslations();
      const fieldErrors = parsed.success ? {} : fieldErrorsFrom(parsed.error.issues, t);
      const message = t("validation.controlCharacters");
      for (const field of withNul) {
        const list = (fieldErrors[field] ??= []);
        if (!list.includes(message)) list.push(message);
      }
      return { ok: false, code: "validation", fieldErrors };
    }
    return { ok: true, data: await run(parsed.data) };
  } catch (error) {
    return failureFrom(error);
  }
}

/** An action anyone may call (sign-in, first run, invitation pages). */
export function publicAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.output<S>, meta: RequestMeta) => Promise<T>,
) {
  return async (raw: unknown): Promise<ActionResult<T>> =>
    runAction(schema, raw, async (input) => handler(input, await getRequestMeta()));
}

/** An action for a signed-in account whose password is not temporary. */
export function accountAction<S extends z.ZodType, T>(
  schema: S,
  handler: (account: CurrentAccount, input: z.output<S>, meta: RequestMeta) => Promise<T>,
) {
  return async (raw: unknown): Promise<ActionResult<T>> => {
    const account = await getCurrentAccount();
    if (!account || account.passwordIsTemporary) return failureFrom(forbidden());
    return runAction(schema, raw, async (input) => handler(account, input, await getRequestMeta()));
  };
}

/**
 * An action inside one organization: session → membership → permission → schema → domain call.
 * The domain function checks the permission again, inside its transaction.
 */
export function orgAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  handler: (actor: Actor, input: z.output<S>) => Promise<T>,
) {
  return async (organizationSlug: string, raw: unknown): Promise<ActionResult<T>> => {
    if (typeof organizationSlug !== "string") return failureFrom(forbidden());
    const access = await getMembershipAccess(organizationSlug);
    if (access.kind === "two-step-required")
      return failureFrom(new DomainError("two-step.requiredForAdministrators", { status: 403 }));
    if (access.kind !== "ok")
      return failureFrom(access.kind === "expired" ? new DomainError("accessExpired") : forbidden());
    try {
      assertCan(access.actor, permission);
    } catch (error) {
      return failureFrom(error);
    }
    return runAction(schema, raw, (input) => handler(access.actor, input));
  };
}
