// A plain-HTTP server that answers HTTP-01 challenges (GET /.well-known/acme-challenge/TOKEN)
// from the challenge store and nothing else: `mailroom tls issue` runs it on listen.http while
// no agent does (the agent's own HTTP app answers from the same store otherwise).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChallengeStore } from './challenge-store.js';

const PREFIX = '/.well-known/acme-challenge/';

/** The key authorization for a challenge path, or null. */
export async function answerChallenge(store: ChallengeStore, urlPath: string): Promise<string | null> {
  if (!urlPath.startsWith(PREFIX)) return null;
  return store.get(urlPath.slice(PREFIX.length));
}

export interface ChallengeResponder {
  address: AddressInfo;
  close(): Promise<void>;
}

/** Listens on host:port; rejects with the listen error (EADDRINUSE: someone, the agent, is there). */
export function startChallengeResponder(store: ChallengeStore, host: string, port: number): Promise<ChallengeResponder> {
  const server = http.createServer((req, res) => {
    const urlPath = (req.url ?? '/').split('?')[0]!;
    void answerChallenge(store, urlPath).then((answer) => {
      if (req.method === 'GET' && answer !== null) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' }).end(answer);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      }
    }, () => { res.writeHead(500).end(); });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        address: server.address() as AddressInfo,
        close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
      });
    });
  });
}
