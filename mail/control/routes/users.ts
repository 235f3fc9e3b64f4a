// Mail accounts: list (with each mailbox's usage), one, add, remove, password, quota, disable.
// Rules and error codes are the directory's, the same the CLI shows. The admin's mailbox view
// (routes/mailbox.ts) hangs under /v1/users/:address and is mounted with these.

import { NotFoundError } from '../../../core/errors.js';
import { normalizeAddress } from '../../../core/address.js';
import type { User } from '../../store/contracts.js';
import type { ControlDeps } from '../control-deps.js';
import type { ControlUser } from '../control-protocol.js';
import { ControlRequestError } from '../control-errors.js';
import { parseQuota, requireObject, requireString } from '../control-input.js';
import { created, ok, type ControlRoute } from '../control-router.js';
import { mailboxRoutes } from './mailbox.js';

export function userRoutes(deps: ControlDeps): ControlRoute[] {
  const toWire = async (u: User): Promise<ControlUser> => ({
    address: u.address, id: u.id, quota: u.quota, createdAt: u.createdAt.toISOString(), usage: await deps.mailStore.usage(u.id),
    disabled: Boolean(u.disabledAt),
  });
  return [
    {
      method: 'GET', path: '/v1/users',
      async handle({ query }) {
        const users = await deps.directory.listUsers(query.get('domain') ?? undefined);
        return ok(await Promise.all(users.map(toWire)));
      },
    },
    {
      method: 'GET', path: '/v1/users/:address',
      async handle({ params }) {
        const user = await deps.directory.getUser(params.address!);
        if (!user) throw new NotFoundError('unknown_user', `no user ${normalizeAddress(params.address!) ?? params.address}`);
        return ok(await toWire(user));
      },
    },
    {
      method: 'POST', path: '/v1/users',
      async handle({ body }) {
        const b = requireObject(body);
        const address = requireString(b, 'address');
        // Quota first: a bad size is refused before the slow password hash.
        const quota = parseQuota(b.quota);
        const user = await deps.directory.addUser(address, requireString(b, 'password'), { quota });
        return created(await toWire(user));
      },
    },
    {
      method: 'DELETE', path: '/v1/users/:address',
      async handle({ params }) {
        const user = await deps.directory.removeUser(params.address!);
        return ok({ removed: user.address });
      },
    },
    {
      method: 'PUT', path: '/v1/users/:address/password',
      async handle({ params, body }) {
        await deps.directory.setPassword(params.address!, requireString(requireObject(body), 'password'));
        return ok({ changed: normalizeAddress(params.address!) });
      },
    },
    {
      method: 'PUT', path: '/v1/users/:address/quota',
      async handle({ params, body }) {
        const b = requireObject(body);
        if (!('quota' in b)) throw new ControlRequestError(400, 'invalid_request', '"quota" is required (a size like 500M, or null for unlimited)');
        const quota = parseQuota(b.quota);
        await deps.directory.setQuota(params.address!, quota);
        return ok({ address: normalizeAddress(params.address!), quota });
      },
    },
    {
      // A disabled account cannot log in; its mail is still accepted (a person away, not gone).
      method: 'PUT', path: '/v1/users/:address/disabled',
      async handle({ params, body }) {
        const b = requireObject(body);
        if (typeof b.disabled !== 'boolean') throw new ControlRequestError(400, 'invalid_request', '"disabled" must be true or false');
        return ok(await toWire(await deps.directory.setDisabled(params.address!, b.disabled)));
      },
    },
    ...mailboxRoutes(deps),
  ];
}
