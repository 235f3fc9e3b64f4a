// Where the helper listens: config helper.socket, relative to DIR unless absolute.

import path from 'node:path';
import type { Config } from '../../core/config.js';

export function helperSocketPath(config: Pick<Config, 'helper' | 'dataDir'>): string {
  return path.isAbsolute(config.helper.socket) ? config.helper.socket : path.join(config.dataDir, config.helper.socket);
}
