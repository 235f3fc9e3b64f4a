// Changes an instance's DIR/config.json after it was set up (MailroomInstance.start's editConfig
// runs only before the first start); the daemon reads it at its next (re)start.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MailroomInstance } from './harness.js';

export function editConfigFile(inst: MailroomInstance, edit: (cfg: Record<string, unknown>) => void): void {
  const file = path.join(inst.dataDir, 'config.json');
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(cfg);
  writeFileSync(file, JSON.stringify(cfg, null, 2) + '\n');
}
