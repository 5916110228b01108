import type { IncomingMessage, ServerResponse } from "node:http";

export declare const PEER_HEADER: "x-gatehouse-peer";

export declare function peerStampingListener<R>(
  handler: (req: IncomingMessage, res: ServerResponse) => R,
): (req: IncomingMessage, res: ServerResponse) => R;
