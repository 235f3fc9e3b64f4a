// The firewall (agent/firewall through the privileged helper), for the panel:
//   GET  /api/v1/firewall          the policy from the config, the ruleset in force, blocks, a pending change
//   POST /api/v1/firewall/apply    apply the config's ruleset; it reverts by itself unless confirmed within 60 s
//   POST /api/v1/firewall/confirm  keep the change
//   POST /api/v1/firewall/block    {ip, seconds?} one address into the blocklist
//   POST /api/v1/firewall/unblock  {ip}
// An apply from the panel always needs its confirm: a rule that locks the admin out of the
// panel undoes itself. Helper down: 503 helper_unavailable.

import { isIP } from 'node:net';
import { z } from 'zod';
import type { FirewallStatus } from '../../shared/api-types.js';
import { ApiError } from '../api-error.js';
import { route, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps, FirewallApi } from '../deps.js';

/** Panel applies revert unless confirmed within this many seconds. */
export const PANEL_CONFIRM_SECONDS = 60;

function firewallOf(deps: AdminServerDeps): FirewallApi {
  if (!deps.firewall) throw new ApiError(404, 'firewall_unavailable', 'this agent does not manage the firewall');
  return deps.firewall;
}

const ip = z.string().max(64).refine((v) => !v.includes('%') && isIP(v) !== 0, 'must be one IPv4 or IPv6 address (no /prefix)');
const blockBody = z.strictObject({ ip, seconds: z.number().int().min(60).max(365 * 86400).optional() });
const unblockBody = z.strictObject({ ip });

export function firewallRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/firewall', tag: 'system', access: 'session', summary: 'The firewall policy from the config, the ruleset in force, the blocklist and a change awaiting confirmation',
      async handle(): Promise<FirewallStatus> { return firewallOf(deps).status(); },
    }),
    route({
      method: 'post', path: '/api/v1/firewall/apply', tag: 'system', access: 'session',
      summary: `Apply the firewall ruleset rendered from the config; it reverts by itself unless confirmed within ${PANEL_CONFIRM_SECONDS} seconds`,
      audit: { action: 'firewall.apply' },
      async handle() { return firewallOf(deps).apply(PANEL_CONFIRM_SECONDS); },
    }),
    route({
      method: 'post', path: '/api/v1/firewall/confirm', tag: 'system', access: 'session', summary: 'Keep the firewall change awaiting confirmation (409 no_pending_change if none)',
      audit: { action: 'firewall.confirm' },
      async handle() { return firewallOf(deps).confirm(); },
    }),
    route({
      method: 'post', path: '/api/v1/firewall/block', tag: 'system', access: 'session', summary: 'Block one IP address (seconds: default config firewall.blockDuration)',
      body: blockBody,
      audit: { action: 'firewall.block', target: ({ body }) => body.ip },
      async handle({ body }) { return firewallOf(deps).block(body.ip, body.seconds); },
    }),
    route({
      method: 'post', path: '/api/v1/firewall/unblock', tag: 'system', access: 'session', summary: 'Take one IP address out of the blocklist',
      body: unblockBody,
      audit: { action: 'firewall.unblock', target: ({ body }) => body.ip },
      async handle({ body }) { return firewallOf(deps).unblock(body.ip); },
    }),
  ];
}
