// Mail accounts, through the mail daemon's control API: the directory's rules and error codes,
// the same as `mailroom user ...`. Passwords pass through and are never logged or audited.
// A disabled account cannot log in; its mail is still accepted (someone away, not gone).

import { z } from 'zod';
import type { MailUser } from '../../shared/api-types.js';
import { Reply, route, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps } from '../deps.js';
import { mailboxRoutes } from './mailbox.js';

const quota = z.union([z.number(), z.string(), z.null()]);

export function userRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/users', tag: 'mail', access: 'session', summary: 'Mail accounts with their mailbox usage',
      query: [{ name: 'domain', description: 'only this domain\'s accounts' }],
      async handle({ query }): Promise<MailUser[]> { return deps.control.listUsers(query.get('domain') ?? undefined); },
    }),
    route({
      method: 'get', path: '/api/v1/users/{address}', tag: 'mail', access: 'session', summary: 'One mail account',
      async handle({ params }): Promise<MailUser> { return deps.control.getUser(params.address!); },
    }),
    route({
      method: 'post', path: '/api/v1/users', tag: 'mail', access: 'session', summary: 'Add a mail account',
      body: z.strictObject({ address: z.string().min(1).max(320), password: z.string().min(1).max(4096), quota: quota.optional() }),
      response: { status: 201, description: 'Added' },
      audit: { action: 'user.add', target: ({ body }) => body.address },
      async handle({ body }) {
        return new Reply(201, await deps.control.addUser({ address: body.address, password: body.password, ...(body.quota !== undefined ? { quota: body.quota } : {}) }));
      },
    }),
    route({
      method: 'delete', path: '/api/v1/users/{address}', tag: 'mail', access: 'session', summary: 'Remove a mail account and its mailbox',
      audit: { action: 'user.remove', target: ({ params }) => params.address! },
      async handle({ params }) { return deps.control.removeUser(params.address!); },
    }),
    route({
      method: 'put', path: '/api/v1/users/{address}/password', tag: 'mail', access: 'session', summary: 'Set a mail account\'s password',
      body: z.strictObject({ password: z.string().min(1).max(4096) }),
      audit: { action: 'user.password', target: ({ params }) => params.address! },
      async handle({ params, body }) { return deps.control.setPassword(params.address!, body.password); },
    }),
    route({
      method: 'put', path: '/api/v1/users/{address}/quota', tag: 'mail', access: 'session', summary: 'Set a mail account\'s quota (a size like "2G", or null/"unlimited")',
      body: z.strictObject({ quota }),
      audit: { action: 'user.quota', target: ({ params }) => params.address! },
      async handle({ params, body }) { return deps.control.setQuota(params.address!, body.quota); },
    }),
    route({
      method: 'put', path: '/api/v1/users/{address}/disabled', tag: 'mail', access: 'session',
      summary: 'Disable (no login on any protocol; mail still accepted) or enable a mail account',
      body: z.strictObject({ disabled: z.boolean() }),
      audit: { action: 'user.disable', target: ({ params, body }) => `${params.address!} ${body.disabled ? 'disabled' : 'enabled'}` },
      async handle({ params, body }): Promise<MailUser> { return deps.control.setUserDisabled(params.address!, body.disabled); },
    }),
    // The admin's read-only view of the account's mailbox.
    ...mailboxRoutes(deps),
  ];
}
