// Forwarders: list, set (create or replace; targets as a list or the CLI's comma-separated
// word; keepCopy optional, as the CLI's --keep/--no-keep), remove.

import { normalizeAddress } from '../../../core/address.js';
import type { ControlDeps } from '../control-deps.js';
import type { ControlForward } from '../control-protocol.js';
import { ControlRequestError } from '../control-errors.js';
import { parseTargets, requireObject, requireString } from '../control-input.js';
import { created, ok, type ControlRoute } from '../control-router.js';
import type { Forward } from '../../store/contracts.js';

function wire(f: Forward): ControlForward {
  return { address: f.address, targets: [...f.targets], keepCopy: f.keepCopy };
}

export function forwardRoutes(deps: ControlDeps): ControlRoute[] {
  const store = () => {
    if (!deps.forwards) throw new ControlRequestError(404, 'not_found', 'forwarders are not available in this daemon');
    return deps.forwards;
  };
  return [
    {
      method: 'GET', path: '/v1/forwards',
      async handle({ query }) {
        return ok((await store().listForwards(query.get('domain') ?? undefined)).map(wire));
      },
    },
    {
      method: 'POST', path: '/v1/forwards',
      async handle({ body }) {
        const b = requireObject(body);
        const keep = b.keepCopy;
        if (keep !== undefined && keep !== null && typeof keep !== 'boolean') throw new ControlRequestError(400, 'invalid_request', '"keepCopy" must be true, false or absent');
        const f = await store().setForward(requireString(b, 'address'), parseTargets(b.targets), typeof keep === 'boolean' ? { keepCopy: keep } : {});
        return created(wire(f));
      },
    },
    {
      method: 'DELETE', path: '/v1/forwards/:address',
      async handle({ params }) {
        const f = await store().removeForward(params.address!);
        return ok({ removed: normalizeAddress(f.address) ?? f.address });
      },
    },
  ];
}
