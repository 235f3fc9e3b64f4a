// The command map of the image's mail-daemon bundle (dist/bundle/serve.js, made by
// image/lib/bundle-app.mjs in place of index.ts): `serve` alone. The daemon's unit starts it,
// and under the appliance's emulated boot every megabyte of bundle it does not run (the agent,
// the panel's server, ACME, backups) still had to be read and checked against its code cache.

import type { Command } from './index.js';

export const commands: Record<string, Command> = {
  serve: async (args) => (await import('./serve.js')).serveCommand(args),
};
