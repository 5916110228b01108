import http, { type IncomingMessage } from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress } from "@/lib/auth/request-meta";
import { PEER_HEADER, peerStampingListener } from "@/lib/server/peer-header.mjs";

type Seen = { headers: IncomingMessage["headers"]; distinct: string[] | undefined; raw: string[] };

// A real server on the loopback interface whose handler stands in for Next.js: it answers with
// what a request handler sees of the peer header.
let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer(
    peerStampingListener((req, res) => {
      const seen: Seen = {
        headers: req.headers,
        distinct: req.headersDistinct[PEER_HEADER],
        raw: req.rawHeaders.filter((_, i, all) => i % 2 === 1 && all[i - 1]?.toLowerCase() === PEER_HEADER),
      };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(seen));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends the request as written, so that repeated and oddly cased headers reach the server. */
function rawRequest(headerLines: string[]): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let response = "";
    socket.on("data", (chunk) => (response += chunk.toString()));
    socket.on("error", reject);
    socket.on("end", () => resolve(JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4)) as Seen));
    socket.write(["GET / HTTP/1.1", "Host: localhost", "Connection: close", ...headerLines, "", ""].join("\r\n"));
  });
}

describe("the server entry's peer stamping", () => {
  it("replaces every copy the client sent with the socket's address", async () => {
    const seen = await rawRequest([
      `${PEER_HEADER}: 203.0.113.9`,
      "X-Gatehouse-Peer: 203.0.113.10",
      "X-GATEHOUSE-PEER: 203.0.113.11",
      "X-Forwarded-For: 203.0.113.12",
    ]);
    expect(seen.headers[PEER_HEADER]).toBe("127.0.0.1");
    expect(seen.distinct).toEqual(["127.0.0.1"]);
    expect(seen.raw).toEqual(["127.0.0.1"]);
    // The rest of the request is left as it came.
    expect(seen.headers["x-forwarded-for"]).toBe("203.0.113.12");
    expect(clientAddress(new Headers(seen.headers as Record<string, string>), { hops: 0, production: true })).toBe(
      "127.0.0.1",
    );
  });

  it("stamps a request that carried no copy", async () => {
    const seen = await rawRequest([]);
    expect(seen.headers[PEER_HEADER]).toBe("127.0.0.1");
    expect(seen.raw).toEqual(["127.0.0.1"]);
  });

  it("stamps requests sent by an ordinary client too", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_HEADER]: "203.0.113.9" } });
    const seen = (await res.json()) as Seen;
    expect(seen.headers[PEER_HEADER]).toBe("127.0.0.1");
  });
});
