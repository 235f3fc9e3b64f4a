// How the helper's firewall commands reach the one FirewallService of the helper process and
// the policy the config asks for now.

import path from 'node:path';
import type { HelperContext } from '../helper/helper-command.js';
import { helperSocketPath } from '../helper/helper-socket-path.js';
import { policyFromConfig, type FirewallPolicy } from './firewall-policy.js';
import { FirewallService } from './firewall-service.js';
import { NftRunner } from './nft-runner.js';

/** Beside the helper's socket: a directory only root may write to on the appliance. */
export const FIREWALL_PENDING_FILE = 'firewall-pending.nft';

export function firewallService(ctx: HelperContext): FirewallService {
  return ctx.shared('firewall', () => new FirewallService({
    nft: new NftRunner(ctx.run),
    pendingFile: path.join(path.dirname(helperSocketPath(ctx.config())), FIREWALL_PENDING_FILE),
    logger: ctx.logger.child({ component: 'firewall' }),
  }));
}

export function configuredPolicy(ctx: HelperContext): FirewallPolicy {
  return policyFromConfig(ctx.config());
}
