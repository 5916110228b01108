import type { MembershipRole } from "@/db/schema";

/** What each role may do in its organization. Every domain function asks this module. */
const ROLE_PERMISSIONS = {
  administrator: [
    "admin:access",
    "members:read",
    "members:manage",
    "invitations:manage",
    "settings:read",
    "settings:manage",
    "audit:read",
  ],
  user: [],
} as const satisfies Record<MembershipRole, readonly string[]>;

export type Permission = (typeof ROLE_PERMISSIONS)["administrator"][number];

export function roleHasPermission(role: MembershipRole, permission: Permission): boolean {
  return (ROLE_PERMISSIONS[role] as readonly string[]).includes(permission);
}

/** The roles that grant a permission, for checks made inside a query. */
export function rolesWithPermission(permission: Permission): MembershipRole[] {
  return (Object.keys(ROLE_PERMISSIONS) as MembershipRole[]).filter((role) => roleHasPermission(role, permission));
}
