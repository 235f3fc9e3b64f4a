// The declarative firewall policy: what the ruleset renderer turns into nft text. Built from the
// config (policyFromConfig) by whoever renders: the helper when it applies, the agent when it
// shows the panel what would be applied. Pure.

import { splitHostPort, type Config } from '../../core/config.js';

export interface BlockedSource {
  ip: string;
  /** The block's full length. */
  timeoutSeconds: number;
  /** What is left of it (when carried over from a running ruleset); default timeoutSeconds. */
  expiresSeconds?: number;
}

export interface FirewallPolicy {
  /** TCP ports open to everyone (the mail listeners; listen.http when firewall.httpOpen). */
  openTcpPorts: number[];
  /** Of those, the ports whose new connections are rate-limited per source (SMTP, submission(s), IMAPS). */
  rateLimitedTcpPorts: number[];
  ratePerMinute: number;
  rateBurst: number;
  /** TCP ports open to adminNetworks only (listen.admin; listen.http when not httpOpen). */
  adminTcpPorts: number[];
  adminNetworks: string[];
  /** null: no SSH rule. */
  sshPort: number | null;
  sshNetworks: string[];
  /** Sources in the blocklist sets when the ruleset is loaded (carried over across an apply). */
  blocked: BlockedSource[];
}

function port(value: string | null | undefined): number | null {
  if (!value) return null;
  const p = splitHostPort(value).port;
  return p > 0 ? p : null;
}

const present = (ports: (number | null)[]) => [...new Set(ports.filter((p): p is number => p !== null))].sort((a, b) => a - b);

export function policyFromConfig(config: Pick<Config, 'listen' | 'firewall'>): FirewallPolicy {
  const l = config.listen;
  const f = config.firewall;
  const http = port(l.http);
  return {
    openTcpPorts: present([port(l.smtp), port(l.submission), port(l.submissions), port(l.imap), port(l.imaps), port(l.pop3), port(l.pop3s), port(l.managesieve), f.httpOpen ? http : null]),
    rateLimitedTcpPorts: present([port(l.smtp), port(l.submission), port(l.submissions), port(l.imaps)]),
    ratePerMinute: f.ratePerMinute,
    rateBurst: f.rateBurst,
    adminTcpPorts: present([port(l.admin), f.httpOpen ? null : http]),
    adminNetworks: [...f.adminNetworks],
    sshPort: f.sshPort,
    sshNetworks: [...f.sshNetworks],
    blocked: [],
  };
}
