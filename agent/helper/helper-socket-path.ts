// Where the helper listens, and where clients look for it.
//
// The agent (a client) reads config helper.socket, relative to DIR unless absolute: a wrong
// value only makes the agent miss the helper.
//
// The helper itself never takes its socket from config.json, which belongs to the mail daemon's
// user: the socket's directory is where root keeps its own state (the firewall's pending
// change), so a config value could make root create files, or once even chmod a directory,
// anywhere ("/etc/x.sock"). Under systemd the unit's RuntimeDirectory= gives it
// (RUNTIME_DIRECTORY=/run/mailroom-helper, made root:mailroom-admin 0750 by systemd): the socket
// is RUNTIME_DIRECTORY/helper.sock whatever config.json says. Without it (development: `npm
// start`, tests, never root's unit) the helper falls back to config helper.socket, and then
// never changes the mode or owner of a directory it did not create (helper-server.ts).

import path from 'node:path';
import type { Config } from '../../core/config.js';

export const HELPER_SOCKET_NAME = 'helper.sock';

export function helperSocketPath(config: Pick<Config, 'helper' | 'dataDir'>): string {
  return path.isAbsolute(config.helper.socket) ? config.helper.socket : path.join(config.dataDir, config.helper.socket);
}

/**
 * The helper's own socket: in `runtimeDirectory` (systemd's RUNTIME_DIRECTORY; the first of a
 * colon-separated list) when set, else config helper.socket (development).
 */
export function helperListenPath(config: Pick<Config, 'helper' | 'dataDir'>, runtimeDirectory: string | null | undefined): { socketPath: string; fromUnit: boolean } {
  const first = runtimeDirectory?.split(':').find((d) => path.isAbsolute(d));
  if (first) return { socketPath: path.join(first, HELPER_SOCKET_NAME), fromUnit: true };
  return { socketPath: helperSocketPath(config), fromUnit: false };
}
