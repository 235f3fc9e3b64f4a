// One POP3 connection from greeting to goodbye: reads command lines one at a time (pipelined
// ones wait their turn), checks each against the state, runs its handler from the command map,
// and turns a Pop3Error into its -ERR line. Too many refused commands, an idle client or a
// shutdown end the session; none of them runs UPDATE, so marked messages stay.

import { parseCommand, type Pop3Command } from '../../protocol/pop3/command.js';
import { errLine, okLine } from '../../protocol/pop3/response.js';
import { CommandTurns } from '../command-turns.js';
import { ConnectedSession, type SessionInfo } from '../session-info.js';
import { saslResponse } from './commands/auth.js';
import { COMMANDS, type CommandSpec } from './commands/index.js';
import { Pop3Connection, type Pop3Socket } from './connection.js';
import type { Pop3Context } from './context.js';
import type { Pop3Deps } from './deps.js';
import { Pop3Error } from './errors.js';
import { initialState, type Pop3State } from './state.js';

/** Port 995 is implicit TLS: `secure` and a finished TLS socket. */
export type Pop3SessionInfo = SessionInfo;

export class Pop3Session extends ConnectedSession implements Pop3Context {
  readonly conn: Pop3Connection;
  state: Pop3State = initialState();
  private readonly turns = new CommandTurns(() => this.sayGoodbye());
  private errors = 0;
  private commands = 0;

  constructor(readonly deps: Pop3Deps, socket: Pop3Socket, info: Pop3SessionInfo) {
    super(deps.logger, info, 'pop3');
    this.conn = new Pop3Connection(socket, {
      maxLineLength: deps.limits.maxLineLength,
      idleTimeoutMs: deps.limits.idleTimeout * 1000,
      secure: info.secure,
      onIdle: () => {
        this.log.info('pop3 autologout', { outcome: 'idle-timeout' });
        void this.conn.end(errLine('Autologout; idle for too long', 'SYS/TEMP'));
      },
    });
    // A session that ends any way but QUIT leaves its marks unapplied and frees the mailbox.
    this.conn.onClose(() => {
      if (this.state.phase === 'transaction') this.state.releaseLock();
    });
  }

  passwordsAllowed(): boolean {
    return this.conn.secure || this.deps.allowInsecureAuth;
  }

  /** Not in the middle of a command: a shutdown may say goodbye now. */
  get idle(): boolean {
    return this.turns.idle;
  }

  /** Resolves when the connection is gone. */
  async run(): Promise<void> {
    const started = Date.now();
    this.log.info('pop3 connected', { secure: this.conn.secure, outcome: 'connected' });
    await this.conn.write(okLine(`${this.deps.hostname} Mailroom POP3 ready`));
    for (;;) {
      const item = await this.conn.nextItem();
      if (!item) break;
      const over = await this.turns.take(async () => {
        if (item.kind === 'too-long') await this.refuse(new Pop3Error('pop3_line_too_long', 'Line too long'));
        else await this.handleLine(item.line);
        return false;
      });
      if (over) break;
    }
    if (this.state.phase === 'transaction') this.state.releaseLock();
    this.log.info('pop3 closed', { commands: this.commands, errors: this.errors, phase: this.state.phase, ms: Date.now() - started, outcome: 'closed' });
  }

  /** Shutdown: idle sessions hear goodbye now, busy ones right after their current command. */
  shutdown(): void {
    this.turns.shutdown();
  }

  private async sayGoodbye(): Promise<void> {
    if (this.conn.closed) return;
    await this.conn.end(errLine('Server shutting down, try again shortly', 'SYS/TEMP'));
  }

  private async handleLine(line: string): Promise<void> {
    if (this.state.phase === 'closed' || this.state.phase === 'update') return;
    this.commands++;
    try {
      if (this.state.phase === 'authorization' && this.state.awaitingSasl) {
        await saslResponse(this, line);
        return;
      }
      const parsed = parseCommand(line);
      if (!parsed.ok) throw new Pop3Error(parsed.error === 'unknown-command' ? 'pop3_unknown_command' : 'pop3_syntax', parsed.text);
      const cmd = parsed.command;
      const spec = COMMANDS[cmd.verb] as CommandSpec<Pop3Command['verb']>;
      if (!spec.phases.includes(this.state.phase)) {
        throw new Pop3Error('pop3_wrong_state', `${cmd.verb} is not valid in the ${this.state.phase.toUpperCase()} state`);
      }
      this.log.debug('pop3 command', { verb: cmd.verb, phase: this.state.phase });
      await spec.run(this, cmd as never);
    } catch (err) {
      await this.refuse(err instanceof Pop3Error ? err : new Pop3Error('pop3_internal', 'Internal server error', { respCode: 'SYS/TEMP', cause: err, clientError: false }));
    }
  }

  private async refuse(err: Pop3Error): Promise<void> {
    if (err.cause !== undefined) this.log.error('pop3 command failed', { err, outcome: err.code });
    else this.log.debug('pop3 command refused', { code: err.code, outcome: 'refused' });
    await this.conn.write(errLine(err.message, err.respCode));
    if (err.clientError && ++this.errors >= this.deps.limits.maxErrors) {
      this.log.info('pop3 too many errors', { errors: this.errors, outcome: 'too-many-errors' });
      await this.conn.end(errLine('Too many errors, closing', 'SYS/PERM'));
    }
  }
}
