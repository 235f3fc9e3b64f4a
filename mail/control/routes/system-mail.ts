// POST /v1/system-mail {to, subject, text}: a short plain-text message from the server itself
// (the agent's alerts). Local recipients get it in their INBOX directly; others through the
// outbound queue with its retries. The envelope sender is the null path and the message says
// Auto-Submitted (RFC 3834), so nothing ever answers or bounces it back into a loop.

import { randomBytes } from 'node:crypto';
import { normalizeAddress } from '../../../core/address.js';
import { InputError } from '../../../core/errors.js';
import { beginLocalDelivery } from '../../delivery/local-delivery.js';
import type { User } from '../../store/contracts.js';
import type { ControlDeps } from '../control-deps.js';
import type { ControlSystemMailResult } from '../control-protocol.js';
import { ControlRequestError } from '../control-errors.js';
import { requireObject, requireString } from '../control-input.js';
import { ok, type ControlRoute } from '../control-router.js';

const MAX_RECIPIENTS = 20;
const MAX_SUBJECT = 200;
const MAX_TEXT = 64 * 1024;

/** RFC 2047 encoded-word for a subject that is not plain ASCII. */
function encodeSubject(subject: string): string {
  if (/^[\x20-\x7e]*$/.test(subject)) return subject;
  return `=?UTF-8?B?${Buffer.from(subject, 'utf8').toString('base64')}?=`;
}

function rfc5322Date(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

export function buildSystemMessage(options: { hostname: string; to: string[]; subject: string; text: string; now?: Date }): Buffer {
  const body = Buffer.from(options.text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  const headers = [
    `From: Mailroom <postmaster@${options.hostname}>`,
    `To: ${options.to.join(', ')}`,
    `Subject: ${encodeSubject(options.subject)}`,
    `Date: ${rfc5322Date(options.now ?? new Date())}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@${options.hostname}>`,
    'Auto-Submitted: auto-generated',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  return Buffer.from(headers.join('\r\n') + '\r\n\r\n' + body.replace(/\r\n$/, '') + '\r\n', 'utf8');
}

async function* once(...parts: Buffer[]): AsyncGenerator<Buffer> {
  yield* parts;
}

export function systemMailRoutes(deps: ControlDeps): ControlRoute[] {
  return [{
    method: 'POST', path: '/v1/system-mail',
    async handle({ body }) {
      const b = requireObject(body);
      const subject = requireString(b, 'subject');
      const text = typeof b.text === 'string' ? b.text : '';
      if (!Array.isArray(b.to) || b.to.length === 0 || b.to.some((t) => typeof t !== 'string')) {
        throw new ControlRequestError(400, 'invalid_request', '"to" must be a non-empty list of addresses');
      }
      if (b.to.length > MAX_RECIPIENTS) throw new ControlRequestError(400, 'invalid_request', `at most ${MAX_RECIPIENTS} recipients`);
      if (subject.length > MAX_SUBJECT || /[\r\n]/.test(subject)) throw new ControlRequestError(400, 'invalid_request', `"subject" must be one line of at most ${MAX_SUBJECT} characters`);
      if (Buffer.byteLength(text) > MAX_TEXT) throw new ControlRequestError(400, 'invalid_request', `"text" must be at most ${MAX_TEXT} bytes`);

      const local: User[] = [];
      const localAddresses: string[] = [];
      const foreign: string[] = [];
      for (const raw of b.to as string[]) {
        const address = normalizeAddress(raw);
        if (!address) throw new InputError('invalid_address', `"${raw}" is not a valid address (expected local@domain)`);
        const resolution = await deps.directory.resolve(address);
        if (resolution.kind === 'mailboxes') { local.push(...resolution.users); localAddresses.push(address); }
        else if (resolution.kind === 'foreign') foreign.push(address);
        else throw new InputError('unknown_recipient', `${address} is neither a user nor an alias of this server`);
      }

      const message = buildSystemMessage({ hostname: deps.hostname, to: [...localAddresses, ...foreign], subject, text });
      const result: ControlSystemMailResult = { ids: [], delivered: localAddresses, queued: foreign };
      if (local.length > 0) {
        const receipt = await beginLocalDelivery(deps.mailStore, local).deliver(once(Buffer.from('Return-Path: <>\r\n'), message));
        result.ids.push(receipt.id);
      }
      if (foreign.length > 0) {
        result.ids.push(await deps.spool.enqueue({ from: '', recipients: foreign }, once(message)));
        deps.kickQueue();
      }
      deps.logger.info('system mail sent', { subject, delivered: localAddresses, queued: foreign, ids: result.ids });
      return ok(result);
    },
  }];
}
