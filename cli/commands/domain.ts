// `mailroom domain add|rm|ls [NAME]`: the mail domains this server receives for, and
// `domain dkim-rotate|dkim-retire` for their DKIM keys. A domain and its keys come and go
// together: `add` creates an RSA and an Ed25519 key (and undoes the add if that fails), `rm`
// deletes them.

import { checkShape, commandGroup } from '../command-input.js';
import { withServices, type Services } from '../services.js';
import { normalizeDomain } from '../../core/address.js';
import { InputError, NotFoundError } from '../../core/errors.js';
import { formatSize, parseSize } from '../../core/size.js';
import { FsDkimKeyStore } from '../../mail/store/fs/dkim-key-store.js';

/** The DKIM keys are files beside the database, so the CLI opens them itself. */
function dkimKeys(s: Services): FsDkimKeyStore {
  return new FsDkimKeyStore({ dataDir: s.config.dataDir });
}

async function requireDomain(s: Services, name: string): Promise<string> {
  const domain = normalizeDomain(name);
  if (!domain || !(await s.directory.isLocalDomain(domain))) throw new NotFoundError('domain_unknown', `no such domain: ${name}`);
  return domain;
}

/** `domain quota`: `10G`, plain bytes, or `none`/`unlimited` (null). */
function parseDomainQuota(text: string): number | null {
  if (/^\s*(none|unlimited)\s*$/i.test(text)) return null;
  const bytes = parseSize(text);
  if (bytes === null) throw new InputError('invalid_size', `"${text}" is not a size (write it like 500M, 10G, or none)`);
  return bytes;
}

export const domainCommand = commandGroup('domain', {
  async add(args, words) {
    checkShape(args, words, { usage: 'domain add NAME', positional: [1, 1] });
    const domain = await withServices(args.dataDir, async (s) => {
      const added = await s.directory.addDomain(words[0]!);
      const keys = dkimKeys(s);
      try {
        // The directory had no such domain, so any keys on disk are left from an interrupted `rm`.
        await keys.create(added.name, { replace: true });
      } catch (err) {
        await s.directory.removeDomain(added.name).catch((undoErr: unknown) => s.logger.error('cannot undo domain add', { domain: added.name, err: undoErr }));
        throw err;
      }
      return added;
    });
    process.stdout.write(`added domain ${domain.name}\n`);
    return 0;
  },

  async rm(args, words) {
    checkShape(args, words, { usage: 'domain rm NAME', positional: [1, 1] });
    await withServices(args.dataDir, async (s) => {
      await s.directory.removeDomain(words[0]!);
      await dkimKeys(s).remove(normalizeDomain(words[0]!)!);
    });
    process.stdout.write(`removed domain ${normalizeDomain(words[0]!)}\n`);
    return 0;
  },

  async ls(args, words) {
    checkShape(args, words, { usage: 'domain ls [--json]', positional: [0, 0], switches: ['json'] });
    const domains = await withServices(args.dataDir, (s) => s.directory.listDomains());
    if (args.flags.json) process.stdout.write(JSON.stringify(domains.map((d) => ({ name: d.name, createdAt: d.createdAt.toISOString() }))) + '\n');
    else for (const d of domains) process.stdout.write(`${d.name}\n`);
    return 0;
  },

  async quota(args, words) {
    checkShape(args, words, { usage: 'domain quota NAME SIZE|none', positional: [2, 2] });
    const quota = parseDomainQuota(words[1]!);
    const domain = await withServices(args.dataDir, async (s) => {
      const name = await requireDomain(s, words[0]!);
      await s.directory.setDomainQuota(name, quota);
      return name;
    });
    process.stdout.write(`quota of ${domain} (all its users together) is now ${quota === null ? 'unlimited' : formatSize(quota)}\n`);
    return 0;
  },

  async 'dkim-rotate'(args, words) {
    checkShape(args, words, { usage: 'domain dkim-rotate NAME', positional: [1, 1] });
    const { domain, selectors } = await withServices(args.dataDir, async (s) => {
      const name = await requireDomain(s, words[0]!);
      const keys = dkimKeys(s);
      // A domain added before DKIM existed gets its first keys here.
      const published = (await keys.publishedKeys(name)).length > 0 ? await keys.rotate(name) : await keys.create(name);
      return { domain: name, selectors: published.filter((k) => k.active).map((k) => k.selector) };
    });
    process.stdout.write(`${domain} now signs with ${selectors.join(', ')}: publish them now (mailroom dns ${domain}); retire the old selectors once no mail signed with them is in flight\n`);
    return 0;
  },

  async 'dkim-retire'(args, words) {
    checkShape(args, words, { usage: 'domain dkim-retire NAME SELECTOR', positional: [2, 2] });
    const { domain, retired } = await withServices(args.dataDir, async (s) => {
      const name = await requireDomain(s, words[0]!);
      return { domain: name, retired: await dkimKeys(s).retire(name, words[1]!) };
    });
    process.stdout.write(`retired ${retired.join(', ')} of ${domain}; remove ${retired.map((sel) => `${sel}._domainkey.${domain}`).join(', ')} from DNS\n`);
    return 0;
  },
});
