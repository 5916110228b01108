import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/next-auth";
import { bodyTooLarge, payloadTooLarge } from "@/lib/security/body-limit";

// next-auth's forms (sign-out, CSRF) are a few hundred bytes.
const AUTH_BODY_LIMIT = 64 * 1024;

export const { GET } = handlers;

export async function POST(request: NextRequest): Promise<Response> {
  if (await bodyTooLarge(request, AUTH_BODY_LIMIT)) return payloadTooLarge();
  return handlers.POST(request);
}
