// Runs a compiled script on one message view and returns what should happen to the message:
// the list of actions, with the implicit keep (RFC 5228 section 2.10.2) resolved into an
// explicit keep when no action cancelled it. No I/O: delivery applies the actions. Limits on
// actions and redirects turn a runaway script into a SieveRuntimeError, which delivery answers
// by keeping the message in INBOX.

import { decodeEncodedWords } from '../mime/encoded-words.js';
import { parseAddressList } from '../mime/address-list.js';
import { SieveRuntimeError } from './errors.js';
import { matchAny } from './match.js';
import type { SieveMessageView } from './message-view.js';
import type { AddressPart, Command, SieveScript, Test, VacationParams } from './script.js';

export type SieveAction =
  /** File into INBOX (an explicit keep, or the implicit one) with these flags. */
  | { type: 'keep'; flags: string[] }
  | { type: 'fileinto'; mailbox: string; flags: string[]; create: boolean }
  | { type: 'redirect'; address: string }
  | { type: 'reject'; reason: string }
  | { type: 'vacation'; params: VacationParams }
  | { type: 'discard' };

export interface SieveResult {
  /** In the order the script took them; a keep at the end when the implicit keep stood. */
  actions: SieveAction[];
  implicitKeep: boolean;
}

export interface SieveLimits {
  /** Actions of one run, all kinds together. */
  maxActions: number;
  /** redirect actions of one run. */
  maxRedirects: number;
}

export const DEFAULT_SIEVE_LIMITS: SieveLimits = { maxActions: 32, maxRedirects: 4 };

class Stop {}

export function runSieve(script: SieveScript, message: SieveMessageView, limits: SieveLimits = DEFAULT_SIEVE_LIMITS): SieveResult {
  const actions: SieveAction[] = [];
  let implicitKeep = true;
  let flags: string[] = [];
  let redirects = 0;

  const add = (action: SieveAction) => {
    if (actions.length >= limits.maxActions) throw new SieveRuntimeError('sieve_too_many_actions', `more than ${limits.maxActions} actions`);
    actions.push(action);
  };

  const headerValues = (name: string): string[] => {
    const lower = name.toLowerCase();
    return message.headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
  };

  const addressParts = (addresses: { local: string; domain: string }[], part: AddressPart): string[] =>
    addresses.map((a) => (part === 'localpart' ? a.local : part === 'domain' ? a.domain : a.domain ? `${a.local}@${a.domain}` : a.local));

  const evaluate = (test: Test): boolean => {
    switch (test.kind) {
      case 'true': return true;
      case 'false': return false;
      case 'header':
        return matchAny(test.spec, test.names.flatMap(headerValues).map(decodeEncodedWords), test.keys);
      case 'address': {
        const found: { local: string; domain: string }[] = [];
        for (const value of test.names.flatMap(headerValues)) {
          for (const a of parseAddressList(value) ?? []) {
            if (a.host === null || a.mailbox === null) continue; // group markers
            found.push({ local: a.mailbox, domain: a.host });
          }
        }
        return matchAny(test.spec, addressParts(found, test.part), test.keys);
      }
      case 'envelope': {
        const found: { local: string; domain: string }[] = [];
        for (const name of test.names) {
          const value = name === 'from' ? message.envelope.from : message.envelope.to;
          const at = value.lastIndexOf('@');
          // The null reverse-path is the empty string for every address part (RFC 5228 section 5.4).
          found.push(at < 0 ? { local: value, domain: '' } : { local: value.slice(0, at), domain: value.slice(at + 1) });
        }
        const values = found.map((a) => (a.local === '' && a.domain === '' ? '' : addressParts([a], test.part)[0]!));
        return matchAny(test.spec, values, test.keys);
      }
      case 'size':
        return test.over ? message.size > test.limit : message.size < test.limit;
      case 'exists':
        return test.names.every((n) => headerValues(n).length > 0);
      case 'allof':
        return test.tests.every(evaluate);
      case 'anyof':
        return test.tests.some(evaluate);
      case 'not':
        return !evaluate(test.test);
      case 'hasflag':
        return matchAny(test.spec, flags, test.keys);
    }
  };

  const execute = (commands: readonly Command[]): void => {
    for (const c of commands) {
      switch (c.kind) {
        case 'if': {
          const branch = c.branches.find((b) => evaluate(b.test));
          if (branch) execute(branch.body);
          else if (c.otherwise) execute(c.otherwise);
          break;
        }
        case 'keep':
          add({ type: 'keep', flags: c.flags ?? [...flags] });
          implicitKeep = false;
          break;
        case 'fileinto':
          add({ type: 'fileinto', mailbox: c.mailbox, flags: c.flags ?? [...flags], create: c.create });
          if (!c.copy) implicitKeep = false;
          break;
        case 'redirect':
          if (++redirects > limits.maxRedirects) throw new SieveRuntimeError('sieve_too_many_redirects', `more than ${limits.maxRedirects} redirects`);
          add({ type: 'redirect', address: c.address });
          if (!c.copy) implicitKeep = false;
          break;
        case 'reject':
          add({ type: 'reject', reason: c.reason });
          implicitKeep = false;
          break;
        case 'discard':
          add({ type: 'discard' });
          implicitKeep = false;
          break;
        case 'vacation':
          if (actions.some((a) => a.type === 'vacation')) throw new SieveRuntimeError('sieve_duplicate_vacation', 'more than one vacation action');
          add({ type: 'vacation', params: c.params });
          break;
        case 'setflag':
          flags = [...c.flags];
          break;
        case 'addflag':
          for (const f of c.flags) if (!flags.some((g) => g.toLowerCase() === f.toLowerCase())) flags.push(f);
          break;
        case 'removeflag':
          flags = flags.filter((g) => !c.flags.some((f) => f.toLowerCase() === g.toLowerCase()));
          break;
        case 'stop':
          throw new Stop();
      }
    }
  };

  try {
    execute(script.commands);
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
  }

  // RFC 5429 section 2.1: reject cannot stand beside a delivery of the same message or a reply.
  const reject = actions.find((a) => a.type === 'reject');
  if (reject && actions.some((a) => a.type === 'keep' || a.type === 'fileinto' || a.type === 'redirect' || a.type === 'vacation')) {
    throw new SieveRuntimeError('sieve_reject_conflict', 'reject cannot be combined with keep, fileinto, redirect or vacation');
  }
  if (actions.filter((a) => a.type === 'reject').length > 1) throw new SieveRuntimeError('sieve_duplicate_reject', 'more than one reject action');

  if (implicitKeep) actions.push({ type: 'keep', flags: [...flags] });
  return { actions: dedupe(actions), implicitKeep };
}

/** One copy per folder and one redirect per address (RFC 5228 sections 4.1, 4.2). */
function dedupe(actions: readonly SieveAction[]): SieveAction[] {
  const seen = new Set<string>();
  const out: SieveAction[] = [];
  for (const a of actions) {
    const key = a.type === 'fileinto' ? `folder:${a.mailbox.toUpperCase() === 'INBOX' ? 'INBOX' : a.mailbox}`
      : a.type === 'keep' ? 'folder:INBOX'
        : a.type === 'redirect' ? `redirect:${a.address.toLowerCase()}`
          : null;
    if (key && seen.has(key)) continue;
    if (key) seen.add(key);
    out.push(a);
  }
  return out;
}
