// One ManageSieve connection from greeting (the capability listing) to LOGOUT: reads commands
// one at a time, checks each against the state, runs its handler from the command map and turns
// a ManageSieveError into its NO response. Too many refused commands, an idle client, a line
// too long or a shutdown end the session with BYE.

import { response } from '../../protocol/managesieve/index.js';
import { CommandTurns } from '../command-turns.js';
import { ConnectedSession, type SessionInfo } from '../session-info.js';
import { capabilities } from './capabilities.js';
import { saslResponse } from './commands/authenticate.js';
import { COMMANDS } from './commands/index.js';
import { ManageSieveConnection, type ManageSieveSocket } from './connection.js';
import type { ManageSieveContext } from './context.js';
import type { ManageSieveDeps } from './deps.js';
import { ManageSieveError, manageSieveErrors } from './errors.js';
import type { ManageSieveState } from './state.js';

export type ManageSieveSessionInfo = SessionInfo;

/** Room for the quoted name and the literal header around a script. */
const LITERAL_SLACK = 1024;

export class ManageSieveSession extends ConnectedSession implements ManageSieveContext {
  readonly conn: ManageSieveConnection;
  state: ManageSieveState = { phase: 'anonymous' };
  private readonly turns = new CommandTurns(() => this.sayGoodbye());
  private errors = 0;
  private commands = 0;

  constructor(readonly deps: ManageSieveDeps, socket: ManageSieveSocket, info: ManageSieveSessionInfo) {
    super(deps.logger, info, 'managesieve');
    this.conn = new ManageSieveConnection(socket, {
      maxLineLength: deps.limits.maxLineLength,
      maxLiteral: deps.limits.maxScriptSize + LITERAL_SLACK,
      idleTimeoutMs: deps.limits.idleTimeout * 1000,
      secure: info.secure,
      onIdle: () => {
        this.log.info('managesieve idle timeout', { outcome: 'idle-timeout' });
        void this.conn.end(response('BYE', 'Idle for too long', 'TRYLATER'));
      },
    });
  }

  passwordsAllowed(): boolean {
    return this.conn.secure || this.deps.allowInsecureAuth;
  }

  async run(): Promise<void> {
    const started = Date.now();
    this.log.info('managesieve connected', { secure: this.conn.secure, outcome: 'connected' });
    await this.conn.write(capabilities(this) + response('OK', `${this.deps.hostname} Mailroom ManageSieve ready`));
    for (;;) {
      const item = await this.conn.next(this.state.phase === 'sasl');
      if (!item) break;
      const over = await this.turns.take(async () => {
        if (item.kind !== 'too-long') return this.handle(item);
        await this.conn.end(response('BYE', 'Line too long'));
        return true;
      });
      if (over || this.conn.closed) break;
    }
    // The listener destroys the socket when run() returns: let the last response (LOGOUT's OK,
    // a BYE) reach the client first.
    if (!this.conn.closed) await this.conn.end();
    await this.conn.whenClosed();
    this.log.info('managesieve closed', { commands: this.commands, errors: this.errors, ms: Date.now() - started, outcome: 'closed' });
  }

  shutdown(): void {
    this.turns.shutdown();
  }

  private async sayGoodbye(): Promise<void> {
    if (this.conn.closed) return;
    await this.conn.end(response('BYE', 'Server shutting down', 'TRYLATER'));
  }

  private async handle(item: Exclude<Awaited<ReturnType<ManageSieveConnection['next']>>, null | { kind: 'too-long' }>): Promise<boolean> {
    this.commands++;
    try {
      if (item.kind === 'error') throw manageSieveErrors.syntax(item.message);
      if (this.state.phase === 'sasl') {
        await saslResponse(this, item.args);
        return false;
      }
      const spec = COMMANDS[item.name];
      if (!spec) throw new ManageSieveError('managesieve_unknown_command', `Unknown command ${item.name.slice(0, 40)}`);
      if (spec.when === 'authenticated' && this.state.phase !== 'authenticated') throw manageSieveErrors.needsAuth();
      if (spec.when === 'anonymous' && this.state.phase === 'authenticated') throw new ManageSieveError('managesieve_wrong_state', `${item.name} is not allowed after authentication`);
      this.log.debug('managesieve command', { verb: item.name });
      return (await spec.run(this, item.args)) === 'close';
    } catch (err) {
      const refusal = err instanceof ManageSieveError ? err : manageSieveErrors.temporary(err);
      if (refusal.cause !== undefined) this.log.error('managesieve command failed', { err: refusal, outcome: refusal.code });
      else this.log.debug('managesieve command refused', { code: refusal.code, outcome: 'refused' });
      await this.conn.write(refusal.toResponse());
      if (refusal.clientError && ++this.errors >= this.deps.limits.maxErrors) {
        this.log.info('managesieve too many errors', { errors: this.errors, outcome: 'too-many-errors' });
        await this.conn.end(response('BYE', 'Too many errors'));
        return true;
      }
      return false;
    }
  }
}
