// The admin's read-only view of any mailbox (the panel's mailbox page; `mailroom mail ls|cat`
// reads the store directly). Reads only: nothing here sets a flag, so an admin looking at a
// message never marks it \Seen for its owner.
//   GET /v1/users/:address/folders
//   GET /v1/users/:address/messages?folder=F            (default INBOX)
//   GET /v1/users/:address/messages/:uid?folder=F       headers, text part, attachments
//   GET /v1/users/:address/messages/:uid/raw?folder=F   the RFC 5322 bytes, streamed

import { pipeline } from 'node:stream/promises';
import { normalizeAddress } from '../../../core/address.js';
import { InputError, NotFoundError } from '../../../core/errors.js';
import type { MessageSummary, User } from '../../store/contracts.js';
import type { ControlDeps } from '../control-deps.js';
import type { ControlFolder, ControlMailboxMessage } from '../control-protocol.js';
import { ok, STREAMING, type ControlRoute } from '../control-router.js';
import { messageView } from './mailbox-view.js';

function listing(m: MessageSummary): ControlMailboxMessage {
  const date = m.date && !Number.isNaN(m.date.getTime()) ? m.date : m.internalDate;
  return { uid: m.uid, folder: m.folder, from: m.from, subject: m.subject, size: m.size, date: date.toISOString(), flags: m.flags };
}

function parseUid(text: string): number {
  if (!/^[1-9]\d{0,9}$/.test(text)) throw new InputError('invalid_uid', `"${text}" is not a message UID (a positive whole number)`);
  return Number(text);
}

export function mailboxRoutes(deps: ControlDeps): ControlRoute[] {
  const user = async (address: string): Promise<User> => {
    const found = await deps.directory.getUser(address);
    if (!found) throw new NotFoundError('unknown_user', `no user ${normalizeAddress(address) ?? address}`);
    return found;
  };
  const folderOf = async (u: User, query: URLSearchParams): Promise<string> => {
    const folder = query.get('folder') || 'INBOX';
    if (!(await deps.mailStore.getFolder(u.id, folder))) throw new NotFoundError('unknown_folder', `${u.address} has no folder "${folder}"`);
    return folder;
  };
  const message = async (params: Record<string, string>, query: URLSearchParams) => {
    const u = await user(params.address!);
    const uid = parseUid(params.uid!);
    const folder = await folderOf(u, query);
    const found = await deps.mailStore.getMessage(u.id, folder, uid);
    if (!found) throw new NotFoundError('unknown_message', `no message with UID ${uid} in ${u.address}'s ${folder}`);
    return found;
  };
  return [
    {
      method: 'GET', path: '/v1/users/:address/folders',
      async handle({ params }) {
        const u = await user(params.address!);
        return ok((await deps.mailStore.listFolders(u.id)).map((f): ControlFolder => ({
          name: f.name, specialUse: f.specialUse, messages: f.messages, unseen: f.unseen, size: f.size,
        })));
      },
    },
    {
      method: 'GET', path: '/v1/users/:address/messages',
      async handle({ params, query }) {
        const u = await user(params.address!);
        const folder = await folderOf(u, query);
        // Newest first: what an admin looking for a message usually wants.
        return ok((await deps.mailStore.listMessages(u.id, folder)).map(listing).reverse());
      },
    },
    {
      method: 'GET', path: '/v1/users/:address/messages/:uid',
      async handle({ params, query }) {
        const found = await message(params, query);
        return ok(await messageView(found, (blobId, range) => deps.mailStore.openMessage(blobId, range)));
      },
    },
    {
      method: 'GET', path: '/v1/users/:address/messages/:uid/raw',
      async handle({ params, query, res }) {
        const found = await message(params, query);
        const stream = deps.mailStore.openMessage(found.blobId);
        res.writeHead(200, { 'content-type': 'message/rfc822', 'content-length': found.size, 'cache-control': 'no-store' });
        // A reader that goes away mid-message is the reader's business; the stream is closed.
        await pipeline(stream, res).catch(() => undefined);
        return STREAMING;
      },
    },
  ];
}
