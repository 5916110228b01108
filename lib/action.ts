import "server-only";
import { randomUUID } from "node:crypto";
import { revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
import { getTranslations } from "next-intl/server";
import type { z } from "zod";
import { getCurrentAccount, getMembershipAccess, type CurrentAccount } from "@/lib/auth/current";
import { assertCan, type Actor } from "@/lib/auth/actor";
import { getRequestMeta, type RequestMeta } from "@/lib/auth/request-meta";
import { DomainError, forbidden } from "@/lib/errors";
import { logger } from "@/lib/logger";
import type { Permission } from "@/lib/permissions";
import { safeReturnPath } from "@/lib/security/redirects";
import { nulBytePaths } from "@/lib/validations/text";
import type { ActionResult, FieldErrors } from "./action-result";

export type { ActionResult } from "./action-result";

type Translate = Awaited<ReturnType<typeof getTranslations>>;

/**
 * A message key: `code` in the default namespace, or a full key when it names its namespace
 * (`invitations.alreadyMember`), so each domain keeps its messages in its own catalog file.
 */
function messageKey(code: string, defaultNamespace: string): string {
  return code.includes(".") ? code : `${defaultNamespace}.${code}`;
}

/** Zod issues → translated messages per field. Schema messages are keys of the `validation` catalog. */
function fieldErrorsFrom(issues: z.core.$ZodIssue[], t: Translate): FieldErrors {
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

/** Every field error of the schema (never only the first), and each field holding a NUL byte. */
async function validationFailure(issues: z.core.$ZodIssue[], withNul: string[]): Promise<ActionResult<never>> {
  const t = await getTranslations();
  const fieldErrors = fieldErrorsFrom(issues, t);
  const message = t("validation.controlCharacters");
  for (const field of withNul) {
    const list = (fieldErrors[field] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return { ok: false, code: "validation", fieldErrors };
}

// The sign-in flow's own pages: where an action may send the browser, though never a return target.
const SIGN_IN_PAGES = new Set(["/sign-in", "/sign-in/two-step"]);

function redirectPath(target: string, fallback: string | undefined): string {
  return SIGN_IN_PAGES.has(target) ? target : safeReturnPath(target, fallback);
}

/** What an action does once its call succeeded, after its transaction and outside its `try`. */
export type ActionOptions<T, C> = {
  /** Where the browser goes next; a path passes through `safeReturnPath`, so a refused one goes to `redirectFallback`. */
  redirectTo?: string | ((data: T, context: C) => string);
  redirectFallback?: string;
  /** A page whose rendering the change made stale. */
  revalidate?: string | ((context: C) => string);
};
type Redirecting<T, C> = ActionOptions<T, C> & { redirectTo: NonNullable<ActionOptions<T, C>["redirectTo"]> };

/**
 * The one sequence of every action, inside one `try`: `open` (session, membership, permission)
 * gives the caller's context, then the schema, then the domain call. Expected failures become
 * values, anything else is logged once with a reference id; Next's redirect and not-found pass
 * through. Revalidation and the redirect come after, once the call succeeded.
 */
async function perform<S extends z.ZodType, C, T>(
  open: () => Promise<C>,
  schema: S,
  raw: unknown,
  run: (context: C, input: z.output<S>) => Promise<T>,
  options: ActionOptions<T, C> = {},
): Promise<ActionResult<T>> {
  let done: { context: C; data: T };
  try {
    const context = await open();
    // An action called without arguments (a button, a form with no fields) is given no input.
    const input = raw === undefined ? {} : raw;
    const parsed = schema.safeParse(input);
    // A NUL byte is refused in whatever string it hides, whether or not the schema checks it:
    // the database would otherwise fail on it as an unexpected error.
    const withNul = nulBytePaths(input);
    if (!parsed.success || withNul.length > 0) {
      return validationFailure(parsed.success ? [] : parsed.error.issues, withNul);
    }
    done = { context, data: await run(context, parsed.data) };
  } catch (error) {
    unstable_rethrow(error);
    return failureFrom(error);
  }
  const { revalidate, redirectTo, redirectFallback } = options;
  if (revalidate) revalidatePath(typeof revalidate === "string" ? revalidate : revalidate(done.context));
  if (redirectTo) {
    const target = typeof redirectTo === "string" ? redirectTo : redirectTo(done.data, done.context);
    redirect(redirectPath(target, redirectFallback));
  }
  return { ok: true, data: done.data };
}

/** Parses input with the schema and runs `run`, as every action does, with no caller to look up. */
export async function runAction<S extends z.ZodType, T>(
  schema: S,
  raw: unknown,
  run: (input: z.output<S>) => Promise<T>,
): Promise<ActionResult<T>> {
  return perform(
    async () => null,
    schema,
    raw,
    (_context, input) => run(input),
  );
}

export type PublicContext = { meta: RequestMeta };
export type AccountContext = { account: CurrentAccount; meta: RequestMeta };
export type OrgContext = { actor: Actor; organizationSlug: string };

type Action<T> = (raw?: unknown) => Promise<ActionResult<T>>;
/** A `<form action>` with no field and no place for a message: it only redirects. */
type FormAction = (formData?: FormData) => Promise<void>;
type OrgAction<T> = (organizationSlug: string, raw?: unknown) => Promise<ActionResult<T>>;

/**
 * An action anyone may call (sign-in, first run, invitation pages). With `form: true` it is a
 * form's own action (sign-out), which has nowhere to show a failure: the failure, logged with its
 * reference if unexpected, is thrown to the error page instead.
 */
export function publicAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.output<S>, meta: RequestMeta) => Promise<T>,
  options: Redirecting<T, PublicContext> & { form: true },
): FormAction;
export function publicAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.output<S>, meta: RequestMeta) => Promise<T>,
  options: Redirecting<T, PublicContext>,
): Action<never>;
export function publicAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.output<S>, meta: RequestMeta) => Promise<T>,
  options?: ActionOptions<T, PublicContext>,
): Action<T>;
export function publicAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.output<S>, meta: RequestMeta) => Promise<T>,
  options?: ActionOptions<T, PublicContext> & { form?: true },
): Action<T> | FormAction {
  const action: Action<T> = async (raw) =>
    perform(
      async () => ({ meta: await getRequestMeta() }),
      schema,
      raw,
      (c, input) => handler(input, c.meta),
      options,
    );
  if (!options?.form) return action;
  return async (formData?: FormData) => {
    const result = await action(formData);
    if (!result.ok) throw new Error(result.formError ?? result.code);
  };
}

/** What an account action may also allow: the one page a temporary password leads to. */
export type AccountActionOptions<T> = ActionOptions<T, AccountContext> & { allowTemporaryPassword?: boolean };

async function openAccount(allowTemporaryPassword: boolean): Promise<AccountContext> {
  const account = await getCurrentAccount();
  if (!account || (account.passwordIsTemporary && !allowTemporaryPassword)) throw forbidden();
  return { account, meta: await getRequestMeta() };
}

/** An action for a signed-in account whose password is not temporary (unless the options allow it). */
export function accountAction<S extends z.ZodType, T>(
  schema: S,
  handler: (account: CurrentAccount, input: z.output<S>, meta: RequestMeta) => Promise<T>,
  options: AccountActionOptions<T> & Redirecting<T, AccountContext>,
): Action<never>;
export function accountAction<S extends z.ZodType, T>(
  schema: S,
  handler: (account: CurrentAccount, input: z.output<S>, meta: RequestMeta) => Promise<T>,
  options?: AccountActionOptions<T>,
): Action<T>;
export function accountAction<S extends z.ZodType, T>(
  schema: S,
  handler: (account: CurrentAccount, input: z.output<S>, meta: RequestMeta) => Promise<T>,
  options?: AccountActionOptions<T>,
): Action<T> {
  const allowTemporaryPassword = options?.allowTemporaryPassword ?? false;
  return async (raw) =>
    perform(
      () => openAccount(allowTemporaryPassword),
      schema,
      raw,
      (c, input) => handler(c.account, input, c.meta),
      options,
    );
}

async function openOrganization(organizationSlug: unknown, permission: Permission): Promise<OrgContext> {
  if (typeof organizationSlug !== "string") throw forbidden();
  const access = await getMembershipAccess(organizationSlug);
  if (access.kind === "two-step-required") throw new DomainError("two-step.requiredForAdministrators", { status: 403 });
  if (access.kind !== "ok") throw access.kind === "expired" ? new DomainError("accessExpired") : forbidden();
  assertCan(access.actor, permission);
  return { actor: access.actor, organizationSlug };
}

/**
 * An action inside one organization: session → membership → permission → schema → domain call.
 * The domain function checks the permission again, inside its transaction.
 */
export function orgAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  handler: (actor: Actor, input: z.output<S>) => Promise<T>,
  options: Redirecting<T, OrgContext>,
): OrgAction<never>;
export function orgAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  handler: (actor: Actor, input: z.output<S>) => Promise<T>,
  options?: ActionOptions<T, OrgContext>,
): OrgAction<T>;
export function orgAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  handler: (actor: Actor, input: z.output<S>) => Promise<T>,
  options?: ActionOptions<T, OrgContext>,
): OrgAction<T> {
  return async (organizationSlug, raw) =>
    perform(
      () => openOrganization(organizationSlug, permission),
      schema,
      raw,
      (c, input) => handler(c.actor, input),
      options,
    );
}
