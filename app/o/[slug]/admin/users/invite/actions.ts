"use server";

import { orgAction } from "@/lib/action";
import { sendInvitations } from "@/lib/invitations/create";
import { lookupInvitee } from "@/lib/invitations/lookup";
import { lookupInviteeSchema, sendInviteSchema } from "@/lib/validations/invitations";

const lookup = orgAction("invitations:manage", lookupInviteeSchema, (actor, input) => lookupInvitee(actor, input));
const send = orgAction("invitations:manage", sendInviteSchema, (actor, input) => sendInvitations(actor, input));

export async function lookupInviteeAction(organizationSlug: string, raw: unknown) {
  return lookup(organizationSlug, raw);
}

export async function sendInviteAction(organizationSlug: string, raw: unknown) {
  return send(organizationSlug, raw);
}
