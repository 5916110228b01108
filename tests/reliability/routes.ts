/** What a route handler is sent: query string (with its `?`), body and its type. */
type RouteRequest = { query?: string; body?: string | URLSearchParams; contentType?: string };
/** Inputs only the running world can give: a password-sheet token issued to the target's administrator. */
export type RouteInput = { sheetToken: string };

export type RouteSample = {
  /** Anyone may call the served methods (the refused identities are not sent them). */
  public?: string;
  /** Each method the route serves, with a request that succeeds for the administrator. */
  served: Record<string, (input: RouteInput) => RouteRequest>;
  /** What the administrator's answer must look like beyond a 200. */
  expect?: (headers: Headers, body: Buffer) => boolean;
};

/**
 * Every route handler of the build (app/**\/route.ts) with the methods it serves and a valid
 * request for each: the matrix sends them to every identity that must be refused, the positive
 * controls to the administrator. A route or a served method missing here fails the suite.
 */
export const routeSamples: Record<string, RouteSample> = {
  "/api/health": {
    public: "liveness probe: says only whether the app and its database answer",
    served: { GET: () => ({}) },
  },
  "/o/[slug]/admin/audit/export": {
    served: { GET: () => ({ query: "?action=invitation.sent" }) },
    expect: (headers, body) => /text\/csv/.test(headers.get("content-type") ?? "") && body.length > 0,
  },
  "/o/[slug]/admin/users/invite/password-sheet": {
    served: {
      POST: ({ sheetToken }) => ({
        body: new URLSearchParams({ token: sheetToken }),
        contentType: "application/x-www-form-urlencoded",
      }),
    },
    expect: (headers, body) =>
      headers.get("content-type") === "application/pdf" && body.subarray(0, 5).toString() === "%PDF-",
  },
};
