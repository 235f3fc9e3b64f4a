// Aliases: list, add (targets as a list or the CLI's comma-separated word), remove.

import { normalizeAddress, normalizeCatchAll } from '../../../core/address.js';
import type { ControlDeps } from '../control-deps.js';
import type { ControlAlias } from '../control-protocol.js';
import { parseTargets, requireObject, requireString } from '../control-input.js';
import { created, ok, type ControlRoute } from '../control-router.js';

export function aliasRoutes(deps: ControlDeps): ControlRoute[] {
  return [
    {
      method: 'GET', path: '/v1/aliases',
      async handle({ query }) {
        const aliases: ControlAlias[] = await deps.directory.listAliases(query.get('domain') ?? undefined);
        return ok(aliases.map((a) => ({ address: a.address, targets: [...a.targets] })));
      },
    },
    {
      method: 'POST', path: '/v1/aliases',
      async handle({ body }) {
        const b = requireObject(body);
        const alias = await deps.directory.addAlias(requireString(b, 'address'), parseTargets(b.targets));
        return created({ address: alias.address, targets: alias.targets } satisfies ControlAlias);
      },
    },
    {
      method: 'DELETE', path: '/v1/aliases/:address',
      async handle({ params }) {
        const raw = params.address!;
        await deps.directory.removeAlias(raw);
        return ok({ removed: normalizeCatchAll(raw) ?? normalizeAddress(raw) });
      },
    },
  ];
}
