// GET /v1/events: the live event stream, newline-delimited JSON over a chunked response that
// stays open. The first line is the queue's current summary, so a reader starts from a known
// state. A reader that cannot keep up (more than MAX_BUFFERED bytes waiting) is disconnected
// rather than let the daemon's memory grow; it reconnects and starts again from the summary.

import type { ControlDeps } from '../control-deps.js';
import type { ControlEvent } from '../control-protocol.js';
import { STREAMING, type ControlRoute } from '../control-router.js';
import { summarizeQueue } from '../queue-view.js';

const MAX_BUFFERED = 1024 * 1024;
/** An empty line now and then shows the reader the stream is alive. */
const HEARTBEAT_MS = 15_000;

export function eventRoutes(deps: ControlDeps, streams: Set<() => void>): ControlRoute[] {
  return [{
    method: 'GET', path: '/v1/events',
    async handle({ req, res }) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      const send = (event: ControlEvent) => {
        if (res.writableLength > MAX_BUFFERED) { close(); return; }
        res.write(JSON.stringify(event) + '\n');
      };
      send({ type: 'queue', summary: summarizeQueue(deps.spool.list()), time: new Date().toISOString() });
      const unsubscribe = deps.tap.events.subscribe(send);
      const heartbeat = setInterval(() => res.write('\n'), HEARTBEAT_MS);
      heartbeat.unref();
      let closed = false;
      function close() {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        streams.delete(close);
        res.end();
      }
      streams.add(close);
      req.on('close', close);
      res.on('error', close);
      return STREAMING;
    },
  }];
}
