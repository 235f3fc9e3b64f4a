// Checks a command's words and flags before it does anything, so a typo is refused with a usage
// line (exit 2) instead of being ignored or half-applied.

import type { CliArgs } from './args.js';
import type { Command } from './commands/index.js';
import { InputError } from '../core/errors.js';

/** The command line is wrong (missing word, unknown flag); exits 2, where other errors exit 1. */
export class UsageError extends InputError {
  constructor(message: string) {
    super('usage', message);
  }
}

export interface CommandShape {
  /** How the command is written, for the error message: `user add ADDR --password-stdin`. */
  usage: string;
  /** Positional words after the sub-command: [min, max]. */
  positional: [number, number];
  switches?: string[];
  values?: string[];
}

/** Refuses unknown flags, wrong flag kinds and a wrong number of words. */
export function checkShape(args: CliArgs, words: string[], shape: CommandShape): void {
  const usage = `usage: mailroom ${shape.usage}`;
  for (const [name, value] of Object.entries(args.flags)) {
    if (shape.switches?.includes(name)) {
      if (value !== true) throw new UsageError(`--${name} takes no value (${usage})`);
    } else if (shape.values?.includes(name)) {
      if (value === true || value === '') throw new UsageError(`--${name} needs a value (${usage})`);
    } else {
      throw new UsageError(`unknown option --${name} (${usage})`);
    }
  }
  const [min, max] = shape.positional;
  if (words.length < min) throw new UsageError(`missing argument (${usage})`);
  if (words.length > max) throw new UsageError(`unexpected argument "${words[max]}" (${usage})`);
}

/** Value of a `--name value` flag that checkShape has allowed. */
export function valueFlag(args: CliArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** A command group: `mailroom GROUP SUB ...`, each sub-command a function of its words. */
export function commandGroup(group: string, subcommands: Record<string, (args: CliArgs, words: string[]) => Promise<number>>): Command {
  return async (args) => {
    const [sub, ...words] = args.positional;
    const run = sub === undefined ? undefined : subcommands[sub];
    try {
      if (!run) {
        const what = sub === undefined ? 'missing sub-command' : `unknown sub-command "${sub}"`;
        throw new UsageError(`${what} (usage: mailroom ${group} ${Object.keys(subcommands).join('|')} ...)`);
      }
      return await run(args, words);
    } catch (err) {
      return exitForUsage(err);
    }
  };
}

/** Prints a UsageError and returns exit code 2; rethrows anything else for cli/main.ts. */
export function exitForUsage(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`mailroom: ${err.message}\n`);
    return 2;
  }
  throw err;
}
