// Turns one parsed request into one response: looks the command up in the closed catalogue,
// validates its args with the command's schema, runs it, and maps failures to stable codes.
// The message of an unexpected error is logged, never sent (it could carry internals).

import { MailroomError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { HelperCommand, HelperContext } from './helper-command.js';
import type { HelperRequest, HelperResponse } from './helper-protocol.js';

export type ContextFactory = (logger: Logger) => HelperContext;

export class HelperDispatcher {
  constructor(private readonly commands: ReadonlyMap<string, HelperCommand>, private readonly makeContext: ContextFactory, private readonly logger: Logger) {}

  names(): string[] {
    return [...this.commands.keys()].sort();
  }

  async dispatch(request: HelperRequest): Promise<HelperResponse> {
    const { id, command: name } = request;
    const command = this.commands.get(name);
    if (!command) return { id, ok: false, error: { code: 'unknown_command', message: `no such helper command: ${name}` } };
    const parsed = command.schema.safeParse(request.args);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'args'}: ${i.message}`).join('; ');
      return { id, ok: false, error: { code: 'bad_args', message: `${name}: ${issues}` } };
    }
    const logger = this.logger.child({ requestId: String(id), command: name });
    const started = Date.now();
    try {
      const result = await command.run(parsed.data, this.makeContext(logger));
      logger.info('helper command done', { outcome: 'ok', ms: Date.now() - started });
      return { id, ok: true, result: result ?? null };
    } catch (err) {
      if (err instanceof MailroomError) {
        logger.warn('helper command failed', { outcome: 'failed', code: err.code, err });
        return { id, ok: false, error: { code: err.code, message: err.message } };
      }
      logger.error('helper command crashed', { outcome: 'failed', err });
      return { id, ok: false, error: { code: 'internal', message: `${name}: internal error (see the helper's log)` } };
    }
  }
}
