// Reads a password from standard input (`--password-stdin`): never from argv, where `ps` and
// shell history would show it.

import { InputError } from '../core/errors.js';
import type { CliArgs } from './args.js';
import { UsageError } from './command-input.js';

export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  // `echo pw | mailroom ...` adds one newline; strip exactly one so a password may still end in
  // whitespace on purpose.
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!password) throw new InputError('empty_password', 'no password on standard input');
  if (/[\r\n]/.test(password)) throw new InputError('invalid_password', 'the password on standard input must be one line');
  return password;
}

/** An account's password for `... --password-stdin`: the switch is required, so no one types a password as an argument. */
export async function passwordFromStdin(args: CliArgs, usage: string): Promise<string> {
  if (args.flags['password-stdin'] !== true) {
    throw new UsageError(`--password-stdin is required: the password is read from standard input, never from the command line (usage: mailroom ${usage})`);
  }
  return readPasswordFromStdin();
}
