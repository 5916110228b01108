import type { MembersQuery } from "@/lib/validations/members";

/** The Users page's URL for a query: only the parameters that narrow it, so links stay short. */
export function usersHref(slug: string, query: Partial<MembersQuery>): string {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.role) params.set("role", query.role);
  if (query.status) params.set("status", query.status);
  if (query.twoStep) params.set("twoStep", query.twoStep);
  if (query.page && query.page > 1) params.set("page", String(query.page));
  const search = params.toString();
  return `/o/${slug}/admin/users${search ? `?${search}` : ""}`;
}
