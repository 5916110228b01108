// Plain JavaScript: the server entry (server.mjs at the root) runs under Node without a TypeScript loader.

/**
 * The request header that carries the TCP peer's address from the server entry to the app.
 * Next.js does not expose the socket to route handlers or server actions, so the entry writes it
 * here; lib/auth/request-meta.ts is its only reader.
 */
export const PEER_HEADER = "x-gatehouse-peer";

/**
 * Removes every copy of PEER_HEADER that came with the request and writes the socket's remote
 * address in its place. A client can therefore never choose the value; when the socket has
 * already gone (no address), the header stays absent and the app treats the address as unknown.
 */
function stampPeer(req) {
  // Node builds `headers` and `headersDistinct` lazily from rawHeaders and a count taken at parse
  // time: build both first, so that shortening rawHeaders below cannot desynchronise them.
  const { headers, headersDistinct } = req;
  delete headers[PEER_HEADER];
  delete headersDistinct[PEER_HEADER];
  const raw = req.rawHeaders;
  const kept = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].toLowerCase() !== PEER_HEADER) kept.push(raw[i], raw[i + 1]);
  }
  const address = req.socket.remoteAddress;
  if (address) {
    headers[PEER_HEADER] = address;
    headersDistinct[PEER_HEADER] = [address];
    kept.push(PEER_HEADER, address);
  }
  // Next.js reads `headers`; the other two views agree with it so no reader finds the client's copy.
  req.rawHeaders = kept;
}

/** Wraps a request handler (Next.js's) so every request reaches it stamped with its peer. */
export function peerStampingListener(handler) {
  return (req, res) => {
    stampPeer(req);
    return handler(req, res);
  };
}
