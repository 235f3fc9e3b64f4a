// Mailing lists in the admin API (through the mail daemon's control socket, mail/lists), and the
// two PUBLIC pages a list's members reach from their mail:
//
//   POST /api/v1/lists/unsubscribe/{token}   RFC 8058 one-click unsubscribe (body
//        "List-Unsubscribe=One-Click"); the token is an HMAC over list and member, checked by the
//        daemon, so no session is needed and a guessed token removes nobody.
//   GET  /api/v1/lists/unsubscribe/{token}   a page with a button that POSTs the above: a GET
//        must never unsubscribe (link scanners and previews follow links).
//   GET  /api/v1/lists/confirm/{token}       the confirmation page of a subscribe/unsubscribe
//        request, with a button; POST confirms.
//
// The public routes come first so that "unsubscribe"/"confirm" are never taken for a list address.

import { z } from 'zod';
import type { Request, Response } from 'express';
import { ApiError } from '../api-error.js';
import { Reply, route, SENT, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps } from '../deps.js';
import type { ListControl } from '../../../mail/lists/list-control-client.js';

const UNSUBSCRIBE_TOKEN = /^[A-Za-z0-9_-]{4,1400}\.[0-9a-f]{32}$/;
const CONFIRM_TOKEN = /^[1-9]\d{0,15}-[0-9a-f]{16}$/;

const listBody = z.strictObject({
  address: z.string().min(1).max(320),
  name: z.string().max(80).optional(),
  postPolicy: z.enum(['members', 'anyone', 'senders', 'moderated']).optional(),
  subjectPrefix: z.string().max(40).nullable().optional(),
  owner: z.string().max(320).nullable().optional(),
  senders: z.union([z.array(z.string().max(320)).max(1000), z.string().max(32_000)]).optional(),
  sendToPoster: z.boolean().optional(),
});
const listChanges = listBody.omit({ address: true });

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: Response, status: number, title: string, paragraphs: string[], form?: { action: string; button: string }): typeof SENT {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const button = form
    ? `<form method="post" action="${escapeHtml(form.action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(form.button)}</button></form>`
    : '';
  res.status(status).set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    .send(`<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>\n${body}\n${button}</body></html>\n`);
  return SENT;
}

function wantsHtml(req: Request): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

export function listRoutes(deps: AdminServerDeps): ApiRoute[] {
  const lists = (): ListControl => {
    if (!deps.lists) throw new ApiError(404, 'lists_unavailable', 'mailing lists are not available');
    return deps.lists;
  };
  return [
    route({
      method: 'post', path: '/api/v1/lists/unsubscribe/{token}', tag: 'lists', access: 'public',
      summary: 'One-click unsubscribe (RFC 8058); the token from a post\'s List-Unsubscribe field is the only credential',
      textBody: 'application/x-www-form-urlencoded',
      audit: { action: 'list.unsubscribe', target: ({ params }) => (params.token ?? '').slice(0, 24) },
      async handle({ params, req, res }) {
        const token = params.token ?? '';
        if (!UNSUBSCRIBE_TOKEN.test(token)) throw new ApiError(400, 'invalid_token', 'this unsubscribe link is not valid');
        const done = await lists().unsubscribe(token);
        if (wantsHtml(req)) return page(res, 200, 'Unsubscribed', [`${done.address} no longer gets mail from ${done.list}.`]);
        return { unsubscribed: true, list: done.list, address: done.address };
      },
    }),
    route({
      method: 'get', path: '/api/v1/lists/unsubscribe/{token}', tag: 'lists', access: 'public',
      summary: 'The unsubscribe page (a button that POSTs the one-click request; a GET changes nothing)',
      response: { description: 'An HTML page', contentType: 'text/html' },
      async handle({ params, res }) {
        const token = params.token ?? '';
        if (!UNSUBSCRIBE_TOKEN.test(token)) return page(res, 400, 'Invalid link', ['This unsubscribe link is not valid.']);
        return page(res, 200, 'Unsubscribe', ['Press the button to stop getting this list\'s mail.'], { action: `/api/v1/lists/unsubscribe/${token}`, button: 'Unsubscribe' });
      },
    }),
    route({
      method: 'get', path: '/api/v1/lists/confirm/{token}', tag: 'lists', access: 'public',
      summary: 'The confirmation page of a subscribe or unsubscribe request (a GET changes nothing)',
      response: { description: 'An HTML page', contentType: 'text/html' },
      async handle({ params, res }) {
        const token = params.token ?? '';
        if (!CONFIRM_TOKEN.test(token)) return page(res, 400, 'Invalid link', ['This confirmation link is not valid.']);
        const found = await lists().describeConfirmation(token).catch((err: unknown) => {
          if ((err as { status?: number }).status === 404) return null;
          throw err;
        });
        if (!found) return page(res, 404, 'Link expired', ['This confirmation link is not valid or has expired.']);
        const what = found.action === 'subscribe' ? `${found.address} joins ${found.list}` : `${found.address} leaves ${found.list}`;
        return page(res, 200, 'Please confirm', [`Confirm that ${what}.`], { action: `/api/v1/lists/confirm/${token}`, button: 'Confirm' });
      },
    }),
    route({
      method: 'post', path: '/api/v1/lists/confirm/{token}', tag: 'lists', access: 'public',
      summary: 'Confirms a subscribe or unsubscribe request (the token from the confirmation mail)',
      textBody: 'application/x-www-form-urlencoded',
      audit: { action: 'list.confirm', target: ({ params }) => (params.token ?? '').split('-')[0] ?? null },
      async handle({ params, req, res }) {
        const token = params.token ?? '';
        if (!CONFIRM_TOKEN.test(token)) throw new ApiError(400, 'invalid_token', 'this confirmation link is not valid');
        const done = await lists().confirm(token);
        if (wantsHtml(req)) return page(res, 200, 'Confirmed', [done.action === 'subscribe' ? `${done.address} is now a member of ${done.list}.` : `${done.address} has left ${done.list}.`]);
        return done;
      },
    }),
    route({
      method: 'get', path: '/api/v1/lists', tag: 'lists', access: 'session', summary: 'Mailing lists',
      query: [{ name: 'domain', description: 'only this domain\'s lists' }],
      async handle({ query }) { return lists().listLists(query.get('domain') ?? undefined); },
    }),
    route({
      method: 'post', path: '/api/v1/lists', tag: 'lists', access: 'session', summary: 'Create a mailing list',
      body: listBody, response: { status: 201, description: 'Created' },
      audit: { action: 'list.add', target: ({ body }) => body.address },
      async handle({ body }) { return new Reply(201, await lists().createList(body)); },
    }),
    route({
      method: 'put', path: '/api/v1/lists/{address}', tag: 'lists', access: 'session', summary: 'Change a mailing list\'s settings',
      body: listChanges,
      audit: { action: 'list.change', target: ({ params }) => params.address! },
      async handle({ params, body }) { return lists().updateList(params.address!, body); },
    }),
    route({
      method: 'delete', path: '/api/v1/lists/{address}', tag: 'lists', access: 'session', summary: 'Remove a mailing list (its members and archive too)',
      audit: { action: 'list.remove', target: ({ params }) => params.address! },
      async handle({ params }) { return lists().removeList(params.address!); },
    }),
    route({
      method: 'get', path: '/api/v1/lists/{address}/members', tag: 'lists', access: 'session', summary: 'A list\'s members',
      async handle({ params }) { return lists().listMembers(params.address!); },
    }),
    route({
      method: 'post', path: '/api/v1/lists/{address}/members', tag: 'lists', access: 'session', summary: 'Add a member (confirm: ask them by mail first)',
      body: z.strictObject({ address: z.string().min(1).max(320), confirm: z.boolean().optional() }),
      response: { status: 201, description: 'Added (or pending confirmation)' },
      audit: { action: 'list.member.add', target: ({ params, body }) => `${params.address} ${body.address}` },
      async handle({ params, body }) { return new Reply(201, await lists().addMember(params.address!, body.address, body.confirm === true)); },
    }),
    route({
      method: 'put', path: '/api/v1/lists/{address}/members/{member}', tag: 'lists', access: 'session', summary: 'Enable or disable a member',
      body: z.strictObject({ status: z.enum(['active', 'disabled']) }),
      audit: { action: 'list.member.status', target: ({ params }) => `${params.address} ${params.member}` },
      async handle({ params, body }) { return lists().setMemberStatus(params.address!, params.member!, body.status); },
    }),
    route({
      method: 'delete', path: '/api/v1/lists/{address}/members/{member}', tag: 'lists', access: 'session', summary: 'Remove a member',
      audit: { action: 'list.member.remove', target: ({ params }) => `${params.address} ${params.member}` },
      async handle({ params }) { return lists().removeMember(params.address!, params.member!); },
    }),
    route({
      method: 'get', path: '/api/v1/lists/{address}/held', tag: 'lists', access: 'session', summary: 'Posts held for moderation',
      async handle({ params }) { return lists().listHeld(params.address!); },
    }),
    route({
      method: 'post', path: '/api/v1/lists/{address}/held/{id}', tag: 'lists', access: 'session', summary: 'Approve (distribute) or reject a held post',
      body: z.strictObject({ verdict: z.enum(['approve', 'reject']), reason: z.string().max(500).optional() }),
      audit: { action: 'list.moderate', target: ({ params, body }) => `${params.address} ${params.id} ${body.verdict}` },
      async handle({ params, body }) {
        const id = Number(params.id);
        if (!Number.isSafeInteger(id) || id <= 0) throw new ApiError(400, 'invalid_request', 'the held post id must be a positive integer');
        return lists().moderate(params.address!, id, body.verdict, body.reason);
      },
    }),
  ];
}
