// The helper's closed catalogue: the only commands that run as root. To add one, write
// agent/helper/commands/NAME.ts exporting a HelperCommand (agent/helper/helper-command.ts) and
// add it to the list below. Names must be unique (checked when the helper starts).

import { firewallApplyCommand } from './commands/firewall-apply.js';
import { firewallBlockCommand } from './commands/firewall-block.js';
import { firewallCheckCommand } from './commands/firewall-check.js';
import { firewallConfirmCommand } from './commands/firewall-confirm.js';
import { firewallShowCommand } from './commands/firewall-show.js';
import { firewallUnblockCommand } from './commands/firewall-unblock.js';
import { helperPingCommand } from './commands/helper-ping.js';
import { backupRunCommand } from './commands/backup-run.js';
import { updatesAptApplyCommand } from './commands/updates-apt-apply.js';
import { updatesAptCheckCommand } from './commands/updates-apt-check.js';
import { updatesBundleApplyCommand } from './commands/updates-bundle-apply.js';
import { sysupdateCheckCommand } from './commands/sysupdate-check.js';
import { sysupdateUpdateCommand } from './commands/sysupdate-update.js';
import { tlsInstallCommand } from './commands/tls-install.js';
import { acmeLegacyAccountKeyCommand } from './commands/acme-legacy-account-key.js';
import type { HelperCommand } from './helper-command.js';

export const HELPER_COMMANDS: readonly HelperCommand[] = [
  helperPingCommand,
  firewallCheckCommand,
  firewallApplyCommand,
  firewallConfirmCommand,
  firewallBlockCommand,
  firewallUnblockCommand,
  firewallShowCommand,
  backupRunCommand,
  updatesAptCheckCommand,
  updatesAptApplyCommand,
  updatesBundleApplyCommand,
  sysupdateCheckCommand,
  sysupdateUpdateCommand,
  tlsInstallCommand,
  acmeLegacyAccountKeyCommand,
];

/** The catalogue as a map by name; throws on a duplicate name (a programming error). */
export function catalogueByName(commands: readonly HelperCommand[] = HELPER_COMMANDS): ReadonlyMap<string, HelperCommand> {
  const map = new Map<string, HelperCommand>();
  for (const c of commands) {
    if (map.has(c.name)) throw new Error(`helper catalogue: duplicate command ${c.name}`);
    map.set(c.name, c);
  }
  return map;
}
