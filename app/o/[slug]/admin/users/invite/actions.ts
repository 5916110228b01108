"use server";

import { orgAction } from "@/lib/action";
import { sendInvitations } from "@/lib/invitations/create";
import { lookupInvitee } from "@/lib/invitations/lookup";
import { lookupInviteeSchema, sendInviteSchema } from "@/lib/validations/invitations";

export const lookupInviteeAction = orgAction("invitations:manage", lookupInviteeSchema, (actor, input) =>
  lookupInvitee(actor, input),
);

export const sendInviteAction = orgAction("invitations:manage", sendInviteSchema, (actor, input) =>
  sendInvitations(actor, input),
);
