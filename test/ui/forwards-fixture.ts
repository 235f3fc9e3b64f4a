// The agent fixture (agent-fixture.ts) with the forwarders store behind its control socket, as
// mail/main.ts serves it: the shared fixture's control server is started without one.

import path from 'node:path';
import { silentLogger } from '../../core/log.js';
import { startControlServer } from '../../mail/control/control-server.js';
import { FsDkimKeyStore } from '../../mail/store/fs/dkim-key-store.js';
import { SqliteForwardStore } from '../../mail/store/sqlite/forward-store.js';
import { HOSTNAME, startAgentFixture, type AgentFixture, type AgentFixtureOptions } from './agent-fixture.js';

export async function startForwardsFixture(options: AgentFixtureOptions = {}): Promise<AgentFixture> {
  const f = await startAgentFixture(options);
  try {
    await f.stopControl();
    f.control = await startControlServer({
      socketPath: path.join(f.dataDir, 'run', 'control.sock'), hostname: HOSTNAME,
      clientPorts: { submission: 587, submissions: 465, imaps: 993, pop3s: 995 },
      directory: f.directory, mailStore: f.mailStore, spool: f.spool,
      forwards: new SqliteForwardStore({ db: f.db, logger: silentLogger }),
      dkimKeys: new FsDkimKeyStore({ dataDir: f.dataDir }), tap: f.tap, kickQueue: () => undefined, logger: silentLogger, version: '0.1.0',
    });
  } catch (err) {
    await f.cleanup().catch(() => undefined);
    throw err;
  }
  return f;
}
