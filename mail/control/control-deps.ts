// What the control server's routes are given by the mail daemon's composition root.

import type { Logger } from '../../core/log.js';
import type { Directory, MailStore } from '../store/contracts.js';
import type { DkimPublishedKey } from '../store/fs/dkim-key-store.js';
import type { OutboundSpool } from '../queue/spool.js';
import type { ControlTap } from './control-tap.js';
import type { DiskSpaceSource } from '../delivery/quota-report.js';
import type { TlsControl } from './routes/tls.js';
import type { ForwardStore } from '../store/contracts.js';

/** The part of FsDkimKeyStore a domain's life needs. */
export interface DomainKeys {
  create(domain: string, options?: { replace?: boolean }): Promise<unknown>;
  remove(domain: string): Promise<void>;
  publishedKeys(domain: string): Promise<DkimPublishedKey[]>;
}

/** Ports mail clients reach (the listeners' ports), for DNS SRV records; null: not offered. */
export interface ClientPorts {
  submission: number | null;
  submissions: number | null;
  imaps: number | null;
  pop3s: number | null;
}

export interface ControlDeps {
  hostname: string;
  clientPorts: ClientPorts;
  directory: Directory;
  mailStore: MailStore;
  spool: OutboundSpool;
  dkimKeys: DomainKeys;
  tap: ControlTap;
  /** Makes the queue runner look for due mail now (after a retry or a queued system mail). */
  kickQueue: () => void;
  logger: Logger;
  version: string;
  startedAt: Date;
  /** The data directory's space and limits.diskReserve, for `quota report`; absent: not shown. */
  disk?: DiskSpaceSource;
  /** The certificate of new TLS handshakes and its reload (`tls reload`); absent: routes answer 404. */
  tls?: TlsControl;
  /** Mailing lists (mail/lists/list-service.ts); absent: the /v1/lists routes answer 404. */
  lists?: import('../lists/list-service.js').ListService;
  /** The resolver of the DNS record check (mail/dns/check-resolver.ts with dns.servers); absent: the system's. */
  dnsCheck?: import('../dns/dns-check.js').CheckResolver;
  /** Forwarders (routes/forwards.ts); absent: those routes answer 404. */
  forwards?: ForwardStore;
}
