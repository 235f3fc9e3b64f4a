// The admin's read-only view of any mailbox, through the mail daemon's control API: folders,
// messages (from, subject, date, size, flags), one message (headers, text, attachments) and its
// raw download. Nothing here changes a flag: reading a message never marks it \Seen. Every
// message read or downloaded is recorded in the audit log (an admin reading someone's mail).

import { pipeline } from 'node:stream/promises';
import type { MailFolder, MailMessageSummary, MailMessageView } from '../../shared/api-types.js';
import { ApiError } from '../api-error.js';
import { route, SENT, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps } from '../deps.js';

function uidOf(text: string): number {
  if (!/^[1-9]\d{0,9}$/.test(text)) throw new ApiError(400, 'invalid_uid', `"${text}" is not a message UID (a positive whole number)`);
  return Number(text);
}

const folderOf = (query: URLSearchParams) => query.get('folder') || 'INBOX';
const folderQuery = [{ name: 'folder', description: 'the folder (default INBOX)' }];

export function mailboxRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/users/{address}/folders', tag: 'mailbox', access: 'session', summary: 'The folders of a mail account',
      async handle({ params }): Promise<MailFolder[]> { return deps.control.listFolders(params.address!); },
    }),
    route({
      method: 'get', path: '/api/v1/users/{address}/messages', tag: 'mailbox', access: 'session', summary: 'The messages of a folder, newest first',
      query: folderQuery,
      async handle({ params, query }): Promise<MailMessageSummary[]> { return deps.control.listMessages(params.address!, folderOf(query)); },
    }),
    route({
      method: 'get', path: '/api/v1/users/{address}/messages/{uid}', tag: 'mailbox', access: 'session',
      summary: 'One message: header fields, its text, its attachments (never marks it \\Seen)',
      query: folderQuery,
      audit: { action: 'mailbox.read', target: ({ params, query }) => `${params.address!} ${folderOf(query)} ${params.uid!}` },
      async handle({ params, query }): Promise<MailMessageView> { return deps.control.readMessage(params.address!, folderOf(query), uidOf(params.uid!)); },
    }),
    route({
      method: 'get', path: '/api/v1/users/{address}/messages/{uid}/raw', tag: 'mailbox', access: 'session',
      summary: 'One message as the raw RFC 5322 bytes (a download)',
      query: folderQuery,
      response: { description: 'The message', contentType: 'message/rfc822' },
      audit: { action: 'mailbox.download', target: ({ params, query }) => `${params.address!} ${folderOf(query)} ${params.uid!}` },
      async handle({ params, query, res }) {
        const uid = uidOf(params.uid!);
        const raw = await deps.control.openRawMessage(params.address!, folderOf(query), uid);
        res.status(200).set({
          'content-type': 'message/rfc822',
          'content-disposition': `attachment; filename="message-${uid}.eml"`,
          'cache-control': 'no-store',
          ...(raw.size !== null ? { 'content-length': String(raw.size) } : {}),
        });
        // A browser that cancels the download closes the stream; nothing to report.
        await pipeline(raw.stream, res).catch(() => undefined);
        return SENT;
      },
    }),
  ];
}
