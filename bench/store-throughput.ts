// Deliveries per second of the embedded store alone (no SMTP): N concurrent writers each deliver
// 4 KB messages back to back for a few seconds, with full durability (fsync of file, directory
// and WAL). Compare with Postfix's 400-680 durable messages/s at 10 concurrent sessions.
//
//   node dist/bench/store-throughput.js [--writers 10] [--seconds 5] [--size 4096] [--recipients 1] [--window-ms 0] [--dir DIR]
//
// The data directory defaults to a temp dir under os.tmpdir(); pass --dir to measure another disk.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FsBlobStore } from '../mail/store/fs/blob-store.js';
import { openDatabase } from '../mail/store/sqlite/database.js';
import { SqliteMailStore } from '../mail/store/sqlite/mail-store.js';

const { values } = parseArgs({
  options: {
    writers: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '5' },
    size: { type: 'string', default: '4096' },
    recipients: { type: 'string', default: '1' },
    'window-ms': { type: 'string', default: '0' },
    dir: { type: 'string' },
  },
});
const writers = Number(values.writers);
const seconds = Number(values.seconds);
const size = Number(values.size);
const recipients = Number(values.recipients);

function message(n: number): Buffer {
  const head = `Received: from client.example.org by mail.example.com; Mon, 2 Jun 2025 10:00:00 +0000\r\nFrom: Bench <bench@example.org>\r\nTo: user@example.com\r\nSubject: benchmark message ${n}\r\nDate: Mon, 2 Jun 2025 10:00:00 +0000\r\nMessage-ID: <${n}.bench@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`;
  const line = 'The quick brown fox jumps over the lazy dog while benchmarks run.\r\n';
  return Buffer.from((head + line.repeat(Math.ceil(size / line.length))).slice(0, size));
}

async function* once(buf: Buffer): AsyncGenerator<Buffer> { yield buf; }

async function main(): Promise<void> {
  const dir = values.dir ?? mkdtempSync(path.join(os.tmpdir(), 'store-throughput-'));
  const db = openDatabase(path.join(dir, 'mailroom.db'));
  const blobs = await FsBlobStore.open({ dataDir: dir });
  const store = new SqliteMailStore({ db, blobs, groupCommitWindowMs: Number(values['window-ms']) });
  const users = Array.from({ length: 20 }, (_, i) => `bench-user-${i}`);
  for (const u of users) await store.createMailbox(u);

  let delivered = 0;
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    let n = 0;
    while (Date.now() < deadline) {
      const t0 = process.hrtime.bigint();
      const tx = store.beginDelivery();
      for (let r = 0; r < recipients; r++) tx.addRecipient({ userId: users[(w + r + n) % users.length]! });
      await tx.writeBody(once(message(n++)));
      await tx.commit();
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      delivered++;
    }
  }));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(2);
  const stats = store.commitStats;
  console.log(JSON.stringify({
    writers, size, recipients, threadpool: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    delivered, perSecond: Math.round(delivered / elapsed),
    latencyMs: { p50: pct(0.5), p99: pct(0.99) },
    sqliteTransactions: stats.transactions, avgBatch: +(stats.jobs / stats.transactions).toFixed(2), largestBatch: stats.largestBatch,
    dirFsyncs: blobs.barrier.stats.fsyncs, dirFsyncRequests: blobs.barrier.stats.requests,
  }));
  await store.close();
  db.close();
  if (!values.dir) rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
