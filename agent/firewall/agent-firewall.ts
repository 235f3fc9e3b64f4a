// The agent's side of the firewall: what the panel and the ban feed use. Every change goes
// through the privileged helper (the agent is not root); the policy shown is rendered from the
// agent's own read of the config, the same function the helper applies. Helper failures keep
// their stable codes and get an HTTP status here (status property, read by ui/server/api-error).

import type { FirewallPolicy } from './firewall-policy.js';
import type { FirewallState, PendingChange } from './firewall-service.js';
import type { HelperCaller } from '../helper/helper-client.js';
import { HelperError } from '../helper/helper-command.js';
import { MailroomError } from '../../core/errors.js';
import type { FirewallStatus } from '../../ui/shared/api-types.js';

const STATUS: Record<string, number> = {
  helper_unavailable: 503, helper_access_denied: 503, helper_timeout: 503, busy: 503,
  bad_args: 400, bad_address: 400, bad_network: 400, bad_policy: 400,
  no_pending_change: 409, firewall_not_active: 409,
  firewall_invalid: 502, firewall_apply_failed: 502, process_failed: 502, process_timeout: 502,
};

/** A helper failure as an error the admin API answers with a fitting status. */
export class FirewallError extends MailroomError {
  constructor(code: string, message: string, readonly status: number) { super(code, message); }
}

function mapped(err: unknown): Error {
  if (err instanceof HelperError) return new FirewallError(err.code, err.message, STATUS[err.code] ?? 502);
  return err as Error;
}

export class AgentFirewall {
  constructor(private readonly options: { helper: HelperCaller; policy: () => FirewallPolicy; defaultBlockSeconds: number }) {}

  private async call<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
    try {
      return await this.options.helper.call<T>(command, args);
    } catch (err) {
      throw mapped(err);
    }
  }

  async status(): Promise<FirewallStatus> {
    const policy = this.options.policy();
    const { blocked: _unused, ...shown } = policy;
    try {
      const s = await this.call<FirewallState>('firewall.show');
      return { policy: shown, helper: 'up', active: s.active, blocked: s.blocked, pending: s.pending, ruleset: s.ruleset, error: null };
    } catch (err) {
      if (!(err instanceof FirewallError) || err.status !== 503) throw err;
      return { policy: shown, helper: 'down', active: false, blocked: [], pending: null, ruleset: null, error: err.message };
    }
  }

  apply(confirmSeconds: number | null): Promise<{ applied: true; pending: PendingChange | null }> {
    return this.call<{ applied: true; pending: PendingChange | null }>('firewall.apply', { confirmSeconds }).then((r) => ({ applied: r.applied, pending: r.pending }));
  }

  confirm(): Promise<{ confirmed: true }> {
    return this.call('firewall.confirm');
  }

  block(ip: string, seconds?: number): Promise<{ ip: string; seconds: number }> {
    return this.call('firewall.block', { ip, seconds: seconds ?? this.options.defaultBlockSeconds });
  }

  unblock(ip: string): Promise<{ ip: string; wasBlocked: boolean }> {
    return this.call('firewall.unblock', { ip });
  }
}
