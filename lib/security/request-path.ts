/**
 * The path and query of the page being requested, set by proxy.ts on every request (replacing
 * any value the client sent), for server code that needs more of the URL than its route's
 * parameters: redirecting a former organization URL keeps the rest of the path.
 */
export const REQUEST_PATH_HEADER = "x-gatehouse-path";
