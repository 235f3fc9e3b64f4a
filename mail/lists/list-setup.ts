// Builds the ListService for a composition root (mail/main.ts for the daemon, the CLI for
// `mailroom list`): the SQLite list store, the key, the DMARC lookups through dns.servers and
// the public URL of the one-click links.

import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/log.js';
import type { Db } from '../store/sqlite/database.js';
import { SqliteListStore } from '../store/sqlite/list-store.js';
import type { Directory, MailStore } from '../store/contracts.js';
import type { OutboundQueue } from '../delivery/submission-delivery.js';
import type { MessageSigner } from '../delivery/message-signer.js';
import { createMailauthResolver } from '../pipeline/mailauth-resolver.js';
import { createDmarcPolicySource } from './dmarc-policy.js';
import { loadListKey } from './list-keys.js';
import { ListService } from './list-service.js';

/** https://hostname[:admin port]: where the agent answers the one-click and confirmation links. */
export function listPublicUrl(config: Pick<Config, 'hostname' | 'listen' | 'lists'>): string | null {
  if (config.lists.publicUrl) return config.lists.publicUrl.replace(/\/+$/, '');
  const admin = config.listen.admin;
  if (!admin) return null;
  const port = Number(admin.slice(admin.lastIndexOf(':') + 1));
  return `https://${config.hostname}${port === 443 || !Number.isFinite(port) ? '' : `:${port}`}`;
}

export function createListService(options: {
  config: Config; db: Db; directory: Directory; mailStore: MailStore; queue: OutboundQueue; onQueued: () => void;
  signer: MessageSigner; logger: Logger;
}): ListService {
  const { config } = options;
  const resolver = createMailauthResolver({ servers: config.dns.servers, timeoutMs: 2000, tries: 2 });
  return new ListService({
    store: new SqliteListStore({ db: options.db, logger: options.logger }),
    mailStore: options.mailStore,
    directory: options.directory,
    queue: options.queue,
    onQueued: options.onQueued,
    signer: options.signer,
    dmarc: createDmarcPolicySource({ resolve: (name, rrtype) => resolver(name, rrtype) }),
    key: loadListKey(config.dataDir),
    hostname: config.hostname,
    settings: {
      bounceLimit: config.lists.bounceLimit,
      bounceWindowMs: config.lists.bounceWindow * 1000,
      confirmMaxAgeMs: config.lists.confirmMaxAge * 1000,
      publicUrl: listPublicUrl(config),
    },
    logger: options.logger.child({ component: 'lists' }),
  });
}
