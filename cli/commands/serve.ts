// `mailroom serve`: runs the mail daemon in the foreground until SIGTERM/SIGINT. The daemon is
// loaded only here, so the other commands do not pay for it.

import type { CliArgs } from '../args.js';

export async function serveCommand(args: CliArgs): Promise<number> {
  const { runMailDaemon } = await import('../../mail/main.js');
  await runMailDaemon(args.dataDir);
  return 0;
}
