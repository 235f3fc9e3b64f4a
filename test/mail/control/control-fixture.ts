// A real control server over a real store: SQLite directory and mail store, the outbound spool
// and DKIM keys in a temp directory, listening on a Unix socket there; and a client for it.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../core/log.js';
import { ControlClient } from '../../../mail/control/control-client.js';
import { startControlServer, type ControlServer } from '../../../mail/control/control-server.js';
import { createControlTap, type ControlTap } from '../../../mail/control/control-tap.js';
import { OutboundSpool } from '../../../mail/queue/spool.js';
import { FsBlobStore } from '../../../mail/store/fs/blob-store.js';
import { FsDkimKeyStore } from '../../../mail/store/fs/dkim-key-store.js';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';
import { SqliteDirectory } from '../../../mail/store/sqlite/directory.js';
import { SqliteMailStore } from '../../../mail/store/sqlite/mail-store.js';

export interface ControlFixture {
  dir: string;
  socketPath: string;
  db: Db;
  mailStore: SqliteMailStore;
  directory: SqliteDirectory;
  spool: OutboundSpool;
  dkimKeys: FsDkimKeyStore;
  tap: ControlTap;
  server: ControlServer;
  client: ControlClient;
  kicks: number;
  cleanup(): Promise<void>;
}

export const PASSWORD = 'Vq7!trellis-Oxbow-42';

export async function openControlFixture(options: { hostname?: string } = {}): Promise<ControlFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-control-'));
  const db = openDatabase(path.join(dir, 'mailroom.db'));
  const blobs = await FsBlobStore.open({ dataDir: dir });
  const mailStore = new SqliteMailStore({ db, blobs });
  const directory = new SqliteDirectory({ db, mailStore, logger: silentLogger, passwordParams: { ln: 10, r: 8, p: 1 } });
  const spool = await OutboundSpool.open({ db, spoolDir: path.join(dir, 'queue') });
  const dkimKeys = new FsDkimKeyStore({ dataDir: dir });
  const tap = createControlTap();
  const socketPath = path.join(dir, 'run', 'control.sock');
  const fixture = {
    dir, socketPath, db, mailStore, directory, spool, dkimKeys, tap, kicks: 0,
  } as ControlFixture;
  fixture.server = await startControlServer({
    socketPath, hostname: options.hostname ?? 'mx.example.com',
    clientPorts: { submission: 587, submissions: 465, imaps: 993, pop3s: null },
    directory, mailStore, spool, dkimKeys, tap, kickQueue: () => { fixture.kicks++; }, logger: silentLogger, version: '9.9.9',
  });
  fixture.client = new ControlClient({ socketPath, timeoutMs: 5000 });
  fixture.cleanup = async () => {
    fixture.client.close();
    await fixture.server.close();
    await mailStore.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return fixture;
}

/** One log line as core/log.ts writes it. */
export function logLine(msg: string, fields: Record<string, unknown> = {}, level = 'info'): string {
  return JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n';
}
