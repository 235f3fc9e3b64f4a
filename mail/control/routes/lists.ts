// Mailing lists on the control socket: lists, members, held posts, and the two token actions the
// agent's public pages relay (one-click unsubscribe, confirmation). See mail/lists.
//
//   GET  /v1/lists?domain=          POST /v1/lists {address, name?, postPolicy?, subjectPrefix?, owner?, senders?, sendToPoster?}
//   PUT  /v1/lists/:address {...}   DELETE /v1/lists/:address
//   GET  /v1/lists/:address/members   POST /v1/lists/:address/members {address, confirm?}
//   PUT  /v1/lists/:address/members/:member {status: active|disabled}   DELETE /v1/lists/:address/members/:member
//   GET  /v1/lists/:address/held    POST /v1/lists/:address/held/:id {verdict: approve|reject, reason?}
//   POST /v1/list-tokens/unsubscribe {token}   GET /v1/list-tokens/confirm/:token   POST /v1/list-tokens/confirm {token}

import type { ControlDeps } from '../control-deps.js';
import { ControlRequestError } from '../control-errors.js';
import { requireObject, requireString, type JsonObject } from '../control-input.js';
import { created, ok, type ControlRoute } from '../control-router.js';
import type { ListService } from '../../lists/list-service.js';
import { heldJson, listJson, memberJson } from '../../lists/list-wire.js';
import type { ListChanges, PostPolicy } from '../../lists/list-types.js';

function changesOf(b: JsonObject): ListChanges {
  const out: ListChanges = {};
  const str = (k: string) => {
    const v = b[k];
    if (v === undefined) return undefined;
    if (v !== null && typeof v !== 'string') throw new ControlRequestError(400, 'invalid_request', `"${k}" must be a string or null`);
    return v;
  };
  const name = str('name'); if (typeof name === 'string') out.name = name;
  const policy = str('postPolicy'); if (typeof policy === 'string') out.postPolicy = policy as PostPolicy;
  const prefix = str('subjectPrefix'); if (prefix !== undefined) out.subjectPrefix = prefix;
  const owner = str('owner'); if (owner !== undefined) out.owner = owner;
  if (b.senders !== undefined) {
    if (typeof b.senders === 'string') out.senders = b.senders.split(',').map((s) => s.trim()).filter(Boolean);
    else if (Array.isArray(b.senders) && b.senders.every((s) => typeof s === 'string')) out.senders = b.senders as string[];
    else throw new ControlRequestError(400, 'invalid_request', '"senders" must be a list of addresses');
  }
  if (b.sendToPoster !== undefined) {
    if (typeof b.sendToPoster !== 'boolean') throw new ControlRequestError(400, 'invalid_request', '"sendToPoster" must be true or false');
    out.sendToPoster = b.sendToPoster;
  }
  return out;
}

export function listRoutes(deps: ControlDeps): ControlRoute[] {
  const lists = (): ListService => {
    if (!deps.lists) throw new ControlRequestError(404, 'lists_unavailable', 'mailing lists are not available in this daemon');
    return deps.lists;
  };
  return [
    { method: 'GET', path: '/v1/lists', async handle({ query }) { return ok((await lists().store.listLists(query.get('domain') ?? undefined)).map(listJson)); } },
    {
      method: 'POST', path: '/v1/lists',
      async handle({ body }) {
        const b = requireObject(body);
        return created(listJson(await lists().createList({ address: requireString(b, 'address'), ...changesOf(b) })));
      },
    },
    { method: 'PUT', path: '/v1/lists/:address', async handle({ params, body }) { return ok(listJson(await lists().updateList(params.address!, changesOf(requireObject(body))))); } },
    { method: 'DELETE', path: '/v1/lists/:address', async handle({ params }) { return ok({ removed: (await lists().removeList(params.address!)).address }); } },
    { method: 'GET', path: '/v1/lists/:address/members', async handle({ params }) { return ok((await lists().store.listMembers(params.address!)).map(memberJson)); } },
    {
      method: 'POST', path: '/v1/lists/:address/members',
      async handle({ params, body }) {
        const b = requireObject(body);
        if (b.confirm !== undefined && typeof b.confirm !== 'boolean') throw new ControlRequestError(400, 'invalid_request', '"confirm" must be true or false');
        return created(memberJson(await lists().addMember(params.address!, requireString(b, 'address'), { confirm: b.confirm === true })));
      },
    },
    {
      method: 'PUT', path: '/v1/lists/:address/members/:member',
      async handle({ params, body }) {
        const status = requireString(requireObject(body), 'status');
        if (status !== 'active' && status !== 'disabled') throw new ControlRequestError(400, 'invalid_request', '"status" must be "active" or "disabled"');
        return ok(memberJson(await lists().store.setMemberStatus(params.address!, params.member!, status)));
      },
    },
    { method: 'DELETE', path: '/v1/lists/:address/members/:member', async handle({ params }) { return ok({ removed: (await lists().removeMember(params.address!, params.member!)).address }); } },
    {
      method: 'GET', path: '/v1/lists/:address/held',
      async handle({ params }) { await lists().requireList(params.address!); return ok((await lists().store.listHeld(params.address!)).map(heldJson)); },
    },
    {
      method: 'POST', path: '/v1/lists/:address/held/:id',
      async handle({ params, body }) {
        const b = requireObject(body);
        const verdict = requireString(b, 'verdict');
        if (verdict !== 'approve' && verdict !== 'reject') throw new ControlRequestError(400, 'invalid_request', '"verdict" must be "approve" or "reject"');
        const id = Number(params.id);
        if (!Number.isSafeInteger(id) || id <= 0) throw new ControlRequestError(400, 'invalid_request', 'the held post id must be a positive integer');
        const reason = typeof b.reason === 'string' && b.reason.trim() ? b.reason.trim().slice(0, 500) : undefined;
        return ok({ ...heldJson(await lists().moderate(params.address!, id, verdict, reason)), verdict });
      },
    },
    { method: 'POST', path: '/v1/list-tokens/unsubscribe', async handle({ body }) { return ok(await lists().unsubscribeByToken(requireString(requireObject(body), 'token'))); } },
    {
      method: 'GET', path: '/v1/list-tokens/confirm/:token',
      async handle({ params }) {
        const found = await lists().describeConfirmation(params.token!);
        if (!found) throw new ControlRequestError(404, 'invalid_token', 'this confirmation link is not valid or has expired');
        return ok(found);
      },
    },
    { method: 'POST', path: '/v1/list-tokens/confirm', async handle({ body }) { return ok(await lists().confirm(requireString(requireObject(body), 'token'))); } },
  ];
}
