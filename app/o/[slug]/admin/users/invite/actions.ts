"use server";

import { orgAction } from "@/lib/action";
import { startInvitations } from "@/lib/invitations/create";
import { lookupInvitee } from "@/lib/invitations/lookup";
import { lookupInviteeSchema, sendInviteSchema } from "@/lib/validations/invitations";

export const lookupInviteeAction = orgAction("invitations:manage", lookupInviteeSchema, (actor, input) =>
  lookupInvitee(actor, input),
);

// Answers once the addresses are counted against the limits; each address's line follows in the
// same response as it is done (React streams the pending lines).
export const sendInviteAction = orgAction("invitations:manage", sendInviteSchema, (actor, input) =>
  startInvitations(actor, input),
);
