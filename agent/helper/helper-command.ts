// The shape of one privileged command in the helper's closed catalogue (agent/helper/catalogue.ts).
// Every command lives in its own file under agent/helper/commands/, exports one HelperCommand,
// and is listed in the catalogue; nothing else can run as root. Arguments arrive as untrusted
// JSON from the agent and are parsed by the command's zod schema before run() sees them.
// Processes are started only through ctx.run (agent/helper/run-argv.ts): an argv array, never a
// shell, with a timeout and capped output. Keep this file small: other features add commands.

import type { z } from 'zod';
import type { Config } from '../../core/config.js';
import { MailroomError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { HelperSettings } from './helper-settings.js';

export interface RunOptions {
  /** Killed (SIGKILL) after this long; default 30 s. */
  timeoutMs?: number;
  /** stdout and stderr are each cut at this many bytes; default 4 MiB. */
  maxOutputBytes?: number;
  /** Written to the process's stdin, which is then closed (default: empty stdin). */
  input?: string | Buffer;
  /** Exit codes that count as success (default [0]); any other one throws process_failed. */
  okExitCodes?: readonly number[];
  /** Extra environment (the helper passes only PATH and LANG=C otherwise). */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** true when stdout or stderr was cut at maxOutputBytes. */
  truncated: boolean;
}

/** Starts argv[0] (a program name looked up in PATH, or an absolute path) with argv[1..]. */
export type RunArgv = (argv: readonly [string, ...string[]], options?: RunOptions) => Promise<RunResult>;

export interface HelperContext {
  /** The one way to start a process. */
  readonly run: RunArgv;
  /** Carries the request id and command name. */
  readonly logger: Logger;
  /**
   * The helper process's own environment, read once by its composition root (main.ts); commands
   * take what they need from here, never from process.env.
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The data directory (DIR) the helper was started with. */
  readonly dataDir: string;
  /** DIR/config.json as it is now (re-read and validated on each call). */
  config(): Config;
  /**
   * The helper's own settings (agent/helper/helper-settings.ts: root-owned, never from DIR):
   * whatever makes root run a program or trust a key. Absent: the fixed defaults.
   */
  readonly settings?: HelperSettings;
  /**
   * One value per helper process, made by `create` on first use: for state that must outlive a
   * request, such as the firewall's pending revert timer. A value with a `dispose()` method has
   * it called when the helper stops.
   */
  shared<T>(key: string, create: () => T): T;
}

export interface HelperCommand<S extends z.ZodType = z.ZodType> {
  /** Dotted name, e.g. "firewall.apply"; unique in the catalogue. */
  readonly name: string;
  /** Validates the request's `args` (use z.strictObject so unknown keys are refused). */
  readonly schema: S;
  /** The result must be JSON-serialisable; throw a HelperError (or MailroomError) to fail. */
  run(args: z.output<S>, ctx: HelperContext): Promise<unknown>;
}

/**
 * Errors the helper and its client report. Stable codes: bad_request (not JSON or not a
 * request), unknown_command, bad_args, process_failed, process_timeout, busy, internal, and
 * client-side helper_unavailable, helper_access_denied, helper_timeout, helper_protocol.
 * Commands may use their own codes (e.g. firewall_disabled, no_pending_change).
 */
export class HelperError extends MailroomError {}

/** Helps a command file declare itself with its argument types inferred from the schema. */
export function defineHelperCommand<S extends z.ZodType>(command: HelperCommand<S>): HelperCommand<S> {
  return command;
}
