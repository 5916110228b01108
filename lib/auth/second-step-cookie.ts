import "server-only";
import { cookies } from "next/headers";
import { env } from "@/lib/env";
import { SECOND_STEP_LIFETIME_MS } from "./second-step";

/** The sealed second-step state: httpOnly, sent only to the sign-in pages, gone after five minutes. */
const SECOND_STEP_COOKIE = "gatehouse.second-step";
const PATH = "/sign-in";

/** Hands the browser its sealed second-step state. Call from a server action. */
export async function setSecondStepCookie(sealed: string): Promise<void> {
  (await cookies()).set(SECOND_STEP_COOKIE, sealed, {
    httpOnly: true,
    sameSite: "lax",
    secure: env.isProduction,
    path: PATH,
    maxAge: SECOND_STEP_LIFETIME_MS / 1000,
  });
}

/** This request's sealed second-step state, unopened. */
export async function readSecondStepCookie(): Promise<string | undefined> {
  return (await cookies()).get(SECOND_STEP_COOKIE)?.value;
}

/** Forgets the state once it is used (or abandoned). Call from a server action. */
export async function clearSecondStepCookie(): Promise<void> {
  (await cookies()).set(SECOND_STEP_COOKIE, "", {
    httpOnly: true,
    sameSite: "lax",
    secure: env.isProduction,
    path: PATH,
    maxAge: 0,
  });
}
