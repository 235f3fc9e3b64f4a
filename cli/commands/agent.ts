// `mailroom agent`: runs the agent (admin panel, API, monitoring, alerts) in the foreground
// until SIGTERM/SIGINT. Loaded only here, so the other commands do not pay for it.

import type { CliArgs } from '../args.js';
import { checkShape, exitForUsage } from '../command-input.js';

export async function agentCommand(args: CliArgs): Promise<number> {
  try {
    checkShape(args, args.positional, { usage: 'agent', positional: [0, 0] });
  } catch (err) {
    return exitForUsage(err);
  }
  const { runAgent } = await import('../../agent/main.js');
  await runAgent(args.dataDir);
  return 0;
}
