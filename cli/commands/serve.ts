// `mailroom serve`: runs the mail daemon in the foreground until SIGTERM/SIGINT. The daemon is
// loaded only here, so the other commands do not pay for it.
// MAILROOM_SERVE_CONFIG_WAIT=SECONDS (the appliance's mail unit): load the daemon's code first,
// then wait up to SECONDS for DIR/config.json before starting. On the appliance's first boot the
// config is written by first boot (mailroom-firstboot.service) while Node.js loads the daemon,
// instead of one after the other (under emulation each takes many seconds). Without it, or once
// the file exists, nothing waits.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliArgs } from '../args.js';

const POLL_MS = 100;

export async function serveCommand(args: CliArgs): Promise<number> {
  const { runMailDaemon, warmUpMailDaemon } = await import('../../mail/main.js');
  // Milliseconds since Node.js started, for the daemon's "mail daemon started" line (startMs).
  const beforeStart: Record<string, number> = { loaded: Math.round(performance.now()) };
  const waitS = Number(process.env.MAILROOM_SERVE_CONFIG_WAIT ?? 0);
  if (Number.isFinite(waitS) && waitS > 0) {
    const warmUp = () => {
      warmUpMailDaemon();
      beforeStart.warmedUp = Math.round(performance.now());
    };
    if (!(await configAppears(path.join(args.dataDir, 'config.json'), waitS * 1000, warmUp))) {
      process.stderr.write(`mailroom: no ${path.join(args.dataDir, 'config.json')} after ${waitS}s (MAILROOM_SERVE_CONFIG_WAIT)\n`);
      return 2;
    }
    beforeStart.configSeen = Math.round(performance.now());
  }
  await runMailDaemon(args.dataDir, beforeStart);
  return 0;
}

/**
 * True once `file` exists (first boot renames it into place whole, last of the data directory).
 * If it has to wait, it first runs `warmUp` (work the start does anyway, so never time lost).
 */
async function configAppears(file: string, limitMs: number, warmUp: () => void): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  let warm = false;
  while (!existsSync(file)) {
    if (!warm) {
      warm = true;
      warmUp();
      continue;
    }
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}
