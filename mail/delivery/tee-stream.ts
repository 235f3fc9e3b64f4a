// One async byte stream read by several consumers at once (a submitted message streams into the
// local store and the outbound spool together, never held whole in memory). A consumer may run
// ahead of the slowest one by at most `maxAhead` chunks; the source is read only as fast as that
// allows. An error of the source reaches every consumer; a consumer that stops early is dropped,
// so it cannot stall the others.

export function teeStream(source: AsyncIterable<Buffer>, count: number, maxAhead = 16): AsyncIterable<Buffer>[] {
  const iterator = source[Symbol.asyncIterator]();
  const queues: (Buffer[] | null)[] = Array.from({ length: count }, () => []);
  let ended = false;
  let failure: { err: unknown } | null = null;
  let pulling: Promise<void> | null = null;
  let waiters: (() => void)[] = [];

  const wake = () => { const w = waiters; waiters = []; for (const f of w) f(); };
  const fullest = () => Math.max(0, ...queues.map((q) => (q ? q.length : 0)));

  const pull = (): Promise<void> => {
    pulling ??= (async () => {
      try {
        const next = await iterator.next();
        if (next.done) ended = true;
        else for (const q of queues) q?.push(next.value);
      } catch (err) {
        failure = { err };
      } finally {
        pulling = null;
        wake();
      }
    })();
    return pulling;
  };

  const branch = (index: number): AsyncIterable<Buffer> => ({
    async *[Symbol.asyncIterator]() {
      try {
        while (true) {
          const queue = queues[index]!;
          const chunk = queue.shift();
          if (chunk !== undefined) { wake(); yield chunk; continue; }
          if (failure) throw failure.err;
          if (ended) return;
          if (fullest() >= maxAhead) await new Promise<void>((resolve) => waiters.push(resolve));
          else await pull();
        }
      } finally {
        queues[index] = null;
        wake();
        if (queues.every((q) => q === null) && !ended && !failure) void iterator.return?.();
      }
    },
  });
  return Array.from({ length: count }, (_, i) => branch(i));
}
