// Command-line parsing: `mailroom [--data DIR] COMMAND [SUB] [ARGS] [--flag VALUE|--switch]`.
// Pure: argv and env in, a typed value out.

import { InputError } from '../core/errors.js';

export interface CliArgs {
  dataDir: string;
  command: string | undefined;
  /** Positional words after the command (sub-command first, where the command has one). */
  positional: string[];
  /** `--name value` as strings, `--switch` as true. */
  flags: Record<string, string | true>;
}

/** Flags that take no value. Every other `--flag` takes the next word. */
const SWITCHES = new Set(['json', 'password-stdin', 'help', 'check', 'force', 'foreground', 'keep', 'no-keep', 'confirm', 'no-poster', 'poster']);

export function parseArgs(argv: string[], env: Record<string, string | undefined>): CliArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (word.startsWith('--')) {
      let name = word.slice(2);
      let value: string | true;
      const eq = name.indexOf('=');
      if (eq >= 0) { value = name.slice(eq + 1); name = name.slice(0, eq); }
      else if (SWITCHES.has(name)) value = true;
      else {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) throw new InputError('usage', `--${name} needs a value`);
        value = next; i++;
      }
      flags[name] = value;
    } else if (word === '-h') {
      flags.help = true;
    } else {
      positional.push(word);
    }
  }
  const data = flags.data;
  if (data === true) throw new InputError('usage', '--data needs a directory');
  delete flags.data;
  const dataDir = data ?? env.MAILROOM_DATA ?? '/var/lib/mailroom';
  return { dataDir, command: positional.shift(), positional, flags };
}
