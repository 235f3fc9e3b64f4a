// Updates, for the panel:
//   GET  /api/v1/updates              what runs, the slots, the last check (pending bundles and
//                                     Debian packages), the maintenance window, the history
//   POST /api/v1/updates/check        check now: verify the bundles, ask apt (through the helper)
//   POST /api/v1/updates/apply        {kind: "bundle", file?, force?} or {kind: "apt"}: install now
// Installs run in the privileged helper, which restarts the services (this agent included) and
// rolls a failed bundle back; the answer comes when it is done.

import { z } from 'zod';
import { MailroomError } from '../../../core/errors.js';
import type { UpdateCheckView, UpdatesStatusResponse } from '../../shared/api-types.js';
import { ApiError } from '../api-error.js';
import { route, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps, UpdatesApi } from '../deps.js';

function updatesOf(deps: AdminServerDeps): UpdatesApi {
  if (!deps.updates) throw new ApiError(404, 'updates_unavailable', 'this agent does not manage updates');
  return deps.updates;
}

/** The helper's and the update code's stable codes, as HTTP statuses. */
function statusFor(code: string): number {
  if (code === 'helper_unavailable' || code === 'helper_timeout') return 503;
  if (code === 'update_busy') return 409;
  if (code.startsWith('bundle_') || code === 'update_no_bundle') return 422;
  return 502;
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof MailroomError && !(err instanceof ApiError)) throw new ApiError(statusFor(err.code), err.code, err.message);
    throw err;
  }
}

const applyBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bundle'), file: z.string().regex(/^[A-Za-z0-9._-]+\.mrb$/, 'must be a bundle file name (*.mrb) in the bundle directory').optional(), force: z.boolean().optional() }),
  z.strictObject({ kind: z.literal('apt') }),
]);

export function updatesRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/updates', tag: 'system', access: 'session', summary: 'The running version, the slots, pending updates from the last check, the maintenance window and the history',
      async handle(): Promise<UpdatesStatusResponse> { return mapped(() => updatesOf(deps).status()); },
    }),
    route({
      method: 'post', path: '/api/v1/updates/check', tag: 'system', access: 'session', summary: 'Check now: verify the bundles in the bundle directory and list Debian\'s pending packages',
      audit: { action: 'updates.check' },
      async handle(): Promise<UpdateCheckView> { return mapped(() => updatesOf(deps).check()); },
    }),
    route({
      method: 'post', path: '/api/v1/updates/apply', tag: 'system', access: 'session', body: applyBody,
      summary: 'Install now: a signed bundle (rolled back when the services do not come back) or Debian\'s security updates',
      audit: { action: 'updates.apply', target: ({ body }) => (body.kind === 'bundle' ? `bundle:${body.file ?? 'newest'}` : 'apt') },
      async handle({ body, session }) {
        const trigger = `panel:${session!.username}`;
        const u = updatesOf(deps);
        if (body.kind === 'apt') return mapped(() => u.applyApt({ trigger }));
        return mapped(() => u.applyBundle({ ...(body.file ? { file: body.file } : {}), force: body.force ?? false, trigger }));
      },
    }),
  ];
}
