/**
 * `next dev` compiles a route on its first request, which on a small machine takes longer than a
 * test should wait for a click. Requesting every route the tests visit once, before they start,
 * leaves them timing the product rather than the compiler. Redirects (to /setup or /sign-in, the
 * database being empty) are not followed: the route is compiled either way.
 */
const ROUTES = [
  "/sign-in",
  "/",
  "/o/warm-up",
  "/o/warm-up/admin/users",
  "/o/warm-up/admin/users/invite",
  "/dev/mailbox",
  "/dev/mailbox/00000000-0000-0000-0000-000000000000",
  "/invite/00000000-0000-0000-0000-000000000000?key=warm-up",
];

export default async function warmUp() {
  for (const route of ROUTES) {
    const response = await fetch(`${process.env.E2E_BASE_URL}${route}`, {
      redirect: "manual",
      signal: AbortSignal.timeout(300_000),
    });
    if (response.status >= 500) throw new Error(`${route} answered ${response.status} while warming up`);
    await response.arrayBuffer();
  }
}
