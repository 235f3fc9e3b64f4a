// `mailroom helper`: runs the privileged helper (root under systemd, mailroom-helper.service)
// in the foreground until SIGTERM/SIGINT. Loaded only here.

import type { CliArgs } from '../args.js';
import { checkShape, exitForUsage } from '../command-input.js';

export async function helperCommand(args: CliArgs): Promise<number> {
  try {
    checkShape(args, args.positional, { usage: 'helper', positional: [0, 0] });
  } catch (err) {
    return exitForUsage(err);
  }
  const { runHelper } = await import('../../agent/helper/main.js');
  await runHelper(args.dataDir);
  return 0;
}
