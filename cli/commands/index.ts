// The command map: one file per command group.

import type { CliArgs } from '../args.js';

export type Command = (args: CliArgs) => Promise<number>;

export const commands: Record<string, Command> = {};
