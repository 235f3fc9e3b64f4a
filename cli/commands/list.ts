// `mailroom list add|set|rm|ls`, `list member add|rm|ls|enable`, `list held`, `list moderate`:
// mailing lists (mail/lists). Changes apply to the running daemon at once (it reads the lists
// from the database for every message). Commands that send mail (a confirmation request, an
// approved post) put it in the outbound queue, signed like the daemon signs it; the daemon's
// queue runner sends it within its poll interval.

import { rm } from 'node:fs/promises';
import path from 'node:path';
import { checkShape, commandGroup, UsageError, valueFlag } from '../command-input.js';
import type { CliArgs } from '../args.js';
import { withServices, type Services } from '../services.js';
import { queueDir } from '../../core/config.js';
import { OutboundSpool } from '../../mail/queue/spool.js';
import { createListService } from '../../mail/lists/list-setup.js';
import type { ListService } from '../../mail/lists/list-service.js';
import { POST_POLICIES, type ListChanges, type PostPolicy } from '../../mail/lists/list-types.js';
import { heldJson, listJson, memberJson } from '../../mail/lists/list-wire.js';
import { dkimMessageSigner, startSigningDir } from '../../mail/delivery/dkim-message-signer.js';
import { createDkimSigner } from '../../mail/queue/dkim-signer.js';
import { FsDkimKeyStore } from '../../mail/store/fs/dkim-key-store.js';

const LIST_OPTIONS = ['name', 'policy', 'prefix', 'owner', 'senders'];

async function withLists<T>(dataDir: string, use: (lists: ListService) => Promise<T>): Promise<T> {
  return withServices(dataDir, async (s: Services) => {
    const spool = await OutboundSpool.open({ db: s.db, spoolDir: queueDir(s.config), logger: s.logger });
    // Its own signing directory: startSigningDir empties it, and the daemon's is in use.
    const signingDir = path.join(s.config.dataDir, 'tmp', `list-signing-${process.pid}`);
    await startSigningDir(signingDir);
    try {
      const signer = dkimMessageSigner(createDkimSigner({ keys: new FsDkimKeyStore({ dataDir: s.config.dataDir }) }), signingDir);
      const lists = createListService({ config: s.config, db: s.db, directory: s.directory, mailStore: s.mailStore, queue: spool, onQueued: () => undefined, signer, logger: s.logger });
      return await use(lists);
    } finally {
      await rm(signingDir, { recursive: true, force: true });
    }
  });
}

function listChanges(args: CliArgs): ListChanges {
  const out: ListChanges = {};
  const name = valueFlag(args, 'name'); if (name !== undefined) out.name = name;
  const policy = valueFlag(args, 'policy');
  if (policy !== undefined) {
    if (!POST_POLICIES.includes(policy as PostPolicy)) throw new UsageError(`--policy must be one of ${POST_POLICIES.join(', ')}`);
    out.postPolicy = policy as PostPolicy;
  }
  const prefix = valueFlag(args, 'prefix'); if (prefix !== undefined) out.subjectPrefix = prefix === 'none' ? null : prefix;
  const owner = valueFlag(args, 'owner'); if (owner !== undefined) out.owner = owner === 'none' ? null : owner;
  const senders = valueFlag(args, 'senders'); if (senders !== undefined) out.senders = senders === 'none' ? [] : senders.split(',').map((s) => s.trim()).filter(Boolean);
  if (args.flags['no-poster'] && args.flags.poster) throw new UsageError('--poster and --no-poster exclude each other');
  if (args.flags['no-poster']) out.sendToPoster = false;
  if (args.flags.poster) out.sendToPoster = true;
  return out;
}

const memberCommands = commandGroup('list member', {
  async add(args, words) {
    checkShape(args, words, { usage: 'list member add LIST ADDR [--confirm]', positional: [2, 2], switches: ['confirm'] });
    const m = await withLists(args.dataDir, (l) => l.addMember(words[0]!, words[1]!, { confirm: args.flags.confirm === true }));
    process.stdout.write(m.status === 'pending' ? `asked ${m.address} to confirm joining ${words[0]} (pending)\n` : `added ${m.address} to ${words[0]}\n`);
    return 0;
  },
  async rm(args, words) {
    checkShape(args, words, { usage: 'list member rm LIST ADDR', positional: [2, 2] });
    const m = await withLists(args.dataDir, (l) => l.removeMember(words[0]!, words[1]!));
    process.stdout.write(`removed ${m.address} from ${m.list}\n`);
    return 0;
  },
  async enable(args, words) {
    checkShape(args, words, { usage: 'list member enable LIST ADDR', positional: [2, 2] });
    const m = await withLists(args.dataDir, (l) => l.store.setMemberStatus(words[0]!, words[1]!, 'active'));
    process.stdout.write(`enabled ${m.address} on ${m.list}\n`);
    return 0;
  },
  async ls(args, words) {
    checkShape(args, words, { usage: 'list member ls LIST [--json]', positional: [1, 1], switches: ['json'] });
    const members = await withLists(args.dataDir, (l) => l.store.listMembers(words[0]!));
    if (args.flags.json) process.stdout.write(JSON.stringify(members.map(memberJson)) + '\n');
    else for (const m of members) process.stdout.write(`${m.address}\t${m.status}\t${m.bounces}\n`);
    return 0;
  },
});

export const listCommand = commandGroup('list', {
  async add(args, words) {
    checkShape(args, words, { usage: 'list add LIST [--name N] [--policy members|anyone|senders|moderated] [--prefix P] [--owner ADDR] [--senders A,B] [--no-poster]', positional: [1, 1], values: LIST_OPTIONS, switches: ['no-poster', 'poster'] });
    const list = await withLists(args.dataDir, (l) => l.createList({ address: words[0]!, ...listChanges(args) }));
    process.stdout.write(`added list ${list.address} (${list.postPolicy})\n`);
    return 0;
  },
  async set(args, words) {
    checkShape(args, words, { usage: 'list set LIST [--name N] [--policy P] [--prefix P|none] [--owner ADDR|none] [--senders A,B|none] [--poster|--no-poster]', positional: [1, 1], values: LIST_OPTIONS, switches: ['no-poster', 'poster'] });
    const changes = listChanges(args);
    if (Object.keys(changes).length === 0) throw new UsageError('nothing to change (usage: mailroom list set LIST --name|--policy|--prefix|--owner|--senders|--poster|--no-poster ...)');
    const list = await withLists(args.dataDir, (l) => l.updateList(words[0]!, changes));
    process.stdout.write(`changed list ${list.address}\n`);
    return 0;
  },
  async rm(args, words) {
    checkShape(args, words, { usage: 'list rm LIST', positional: [1, 1] });
    const list = await withLists(args.dataDir, (l) => l.removeList(words[0]!));
    process.stdout.write(`removed list ${list.address}\n`);
    return 0;
  },
  async ls(args, words) {
    checkShape(args, words, { usage: 'list ls [DOMAIN] [--json]', positional: [0, 1], switches: ['json'] });
    const lists = await withLists(args.dataDir, (l) => l.store.listLists(words[0]));
    if (args.flags.json) process.stdout.write(JSON.stringify(lists.map(listJson)) + '\n');
    else for (const l of lists) process.stdout.write(`${l.address}\t${l.postPolicy}\t${l.subjectPrefix ?? '-'}\t${l.owner ?? '-'}\n`);
    return 0;
  },
  async member(args, words) {
    return memberCommands({ ...args, positional: words });
  },
  async held(args, words) {
    checkShape(args, words, { usage: 'list held LIST [--json]', positional: [1, 1], switches: ['json'] });
    const held = await withLists(args.dataDir, async (l) => { await l.requireList(words[0]!); return l.store.listHeld(words[0]!); });
    if (args.flags.json) process.stdout.write(JSON.stringify(held.map(heldJson)) + '\n');
    else for (const h of held) process.stdout.write(`${h.id}\t${h.author || h.sender}\t${h.subject}\n`);
    return 0;
  },
  async moderate(args, words) {
    checkShape(args, words, { usage: 'list moderate LIST ID approve|reject [--reason TEXT]', positional: [3, 3], values: ['reason'] });
    const id = Number(words[1]);
    if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`the held post id must be a positive integer, not "${words[1]}"`);
    const verdict = words[2];
    if (verdict !== 'approve' && verdict !== 'reject') throw new UsageError('the verdict must be "approve" or "reject"');
    const held = await withLists(args.dataDir, (l) => l.moderate(words[0]!, id, verdict, valueFlag(args, 'reason')));
    process.stdout.write(`${verdict === 'approve' ? 'approved' : 'rejected'} post ${held.id} on ${held.list}\n`);
    return 0;
  },
});
