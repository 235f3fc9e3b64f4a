// What the control server's routes are given by the mail daemon's composition root.

import type { Logger } from '../../core/log.js';
import type { Directory, MailStore } from '../store/contracts.js';
import type { DkimPublishedKey } from '../store/fs/dkim-key-store.js';
import type { OutboundSpool } from '../queue/spool.js';
import type { ControlTap } from './control-tap.js';

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
}
