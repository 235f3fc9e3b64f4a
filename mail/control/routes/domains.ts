// Domains: list, add (with the domain's DKIM keys, as `mailroom domain add` does), remove.

import type { Domain } from '../../store/contracts.js';
import type { ControlDeps } from '../control-deps.js';
import type { ControlDomain } from '../control-protocol.js';
import { requireObject, requireString } from '../control-input.js';
import { created, ok, type ControlRoute } from '../control-router.js';
import { addDomainWithKeys, removeDomainWithKeys } from '../domain-lifecycle.js';

const toWire = (d: Domain): ControlDomain => ({ name: d.name, createdAt: d.createdAt.toISOString() });

export function domainRoutes(deps: ControlDeps): ControlRoute[] {
  return [
    {
      method: 'GET', path: '/v1/domains',
      async handle() { return ok((await deps.directory.listDomains()).map(toWire)); },
    },
    {
      method: 'POST', path: '/v1/domains',
      async handle({ body }) {
        const name = requireString(requireObject(body), 'name');
        return created(toWire(await addDomainWithKeys(deps, name)));
      },
    },
    {
      method: 'DELETE', path: '/v1/domains/:name',
      async handle({ params }) {
        return ok({ removed: await removeDomainWithKeys(deps, params.name!) });
      },
    },
  ];
}
