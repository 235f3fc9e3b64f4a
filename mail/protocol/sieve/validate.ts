// Turns the generic syntax into a typed script (script.ts): every command and test must be
// known, its tagged and positional arguments must have the right kinds, and a command or tag of
// an extension needs that extension in a `require` at the top of the script (RFC 5228 section
// 3.2). Errors name the line and column of the offending token. Pure.

import { SieveSyntaxError, type Position } from './errors.js';
import type { AddressPart, Command, Comparator, MatchSpec, MatchType, SieveScript, Test, VacationParams } from './script.js';
import { SUPPORTED_EXTENSIONS } from './script.js';
import type { Argument, SyntaxCommand, SyntaxTest } from './syntax-tree.js';

type ArgKind = 'string' | 'strings' | 'number';
type TagKind = 'none' | ArgKind;

interface Node {
  name: string;
  pos: Position;
  args: Argument[];
}

interface Shape {
  /** Tags the node accepts, with the kind of value each takes and the extension it needs. */
  tags: Record<string, { kind: TagKind; extension?: string; group?: string }>;
  positional: ArgKind[];
}

const MATCH_TAGS = { is: { kind: 'none', group: 'match' }, contains: { kind: 'none', group: 'match' }, matches: { kind: 'none', group: 'match' } } as const;
const ADDRESS_TAGS = { all: { kind: 'none', group: 'part' }, localpart: { kind: 'none', group: 'part' }, domain: { kind: 'none', group: 'part' } } as const;
const COMPARATOR_TAG = { comparator: { kind: 'string' } } as const;
const FLAGS_TAG = { flags: { kind: 'strings', extension: 'imap4flags' } } as const;

/** Headers that hold addresses: the address test refuses any other (RFC 5228 section 5.1). */
const ADDRESS_HEADERS = new Set([
  'from', 'to', 'cc', 'bcc', 'sender', 'reply-to', 'resent-from', 'resent-to', 'resent-cc', 'resent-bcc',
  'resent-sender', 'resent-reply-to', 'delivered-to', 'return-path', 'envelope-to', 'x-original-to',
]);
const FIELD_NAME = /^[!-9;-~]+$/;
const VACATION_MIN_DAYS = 1;
const VACATION_MAX_DAYS = 365;

interface Parsed {
  tags: Map<string, { value: string | string[] | number | true; pos: Position }>;
  positional: { value: string | string[] | number; pos: Position }[];
}

export function validateScript(commands: readonly SyntaxCommand[]): SieveScript {
  const required = new Set<string>();
  let sawOther = false;

  const fail = (pos: Position, message: string): never => { throw new SieveSyntaxError(pos, message); };
  const need = (extension: string, pos: Position, what: string) => {
    if (!required.has(extension)) fail(pos, `${what} needs require "${extension}"`);
  };

  function takeArgs(node: Node, shape: Shape, what: string): Parsed {
    const tags: Parsed['tags'] = new Map();
    const groups = new Map<string, string>();
    const positional: Parsed['positional'] = [];
    const args = node.args;
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a.kind !== 'tag') break;
      const spec = shape.tags[a.name];
      if (!spec) fail(a.pos, `unknown tag ":${a.name}" for ${what}`);
      if (spec!.extension) need(spec!.extension, a.pos, `":${a.name}"`);
      if (tags.has(a.name)) fail(a.pos, `":${a.name}" given twice`);
      if (spec!.group) {
        const other = groups.get(spec!.group);
        if (other) fail(a.pos, `":${a.name}" cannot be combined with ":${other}"`);
        groups.set(spec!.group, a.name);
      }
      if (spec!.kind === 'none') { tags.set(a.name, { value: true, pos: a.pos }); continue; }
      const v = args[i + 1];
      if (!v || v.kind === 'tag') fail(v?.pos ?? a.pos, `":${a.name}" needs ${kindName(spec!.kind)}`);
      tags.set(a.name, { value: argValue(v!, spec!.kind as ArgKind, `":${a.name}"`), pos: v!.pos });
      i++;
    }
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a.kind === 'tag') fail(a.pos, `tag ":${a.name}" must come before the other arguments of ${what}`);
      const want = shape.positional[positional.length];
      if (!want) fail(a.pos, `too many arguments for ${what}`);
      positional.push({ value: argValue(a, want!, what), pos: a.pos });
    }
    if (positional.length < shape.positional.length) {
      fail(node.pos, `${what} needs ${shape.positional.length} argument${shape.positional.length === 1 ? '' : 's'} (${shape.positional.map(kindName).join(', ')})`);
    }
    return { tags, positional };
  }

  function argValue(a: Argument, want: ArgKind, what: string): string | string[] | number {
    if (want === 'number') {
      if (a.kind !== 'number') fail(a.pos, `${what} expects a number`);
      return (a as { value: number }).value;
    }
    if (a.kind !== 'strings') return fail(a.pos, `${what} expects ${kindName(want)}`);
    if (want === 'string') {
      if (a.bracketed || a.values.length !== 1) fail(a.pos, `${what} expects a single string, not a list`);
      return a.values[0]!;
    }
    return a.values;
  }

  function matchSpec(p: Parsed): MatchSpec {
    let match: MatchType = 'is';
    for (const m of ['is', 'contains', 'matches'] as const) if (p.tags.has(m)) match = m;
    let comparator: Comparator = 'i;ascii-casemap';
    const c = p.tags.get('comparator');
    if (c) {
      const name = (c.value as string).toLowerCase();
      if (name !== 'i;ascii-casemap' && name !== 'i;octet') fail(c.pos, `unsupported comparator "${c.value as string}"`);
      comparator = name as Comparator;
    }
    return { comparator, match };
  }

  function addressPart(p: Parsed): AddressPart {
    for (const part of ['localpart', 'domain', 'all'] as const) if (p.tags.has(part)) return part;
    return 'all';
  }

  function headerNames(list: { value: string | string[] | number; pos: Position }, check?: (name: string) => string | null): string[] {
    const names = list.value as string[];
    for (const n of names) {
      if (!FIELD_NAME.test(n)) fail(list.pos, `invalid header name "${n}"`);
      const problem = check?.(n.toLowerCase());
      if (problem) fail(list.pos, problem);
    }
    return names;
  }

  function test(t: SyntaxTest): Test {
    const noTests = () => { if (t.tests.length > 0) fail(t.tests[0]!.pos, `test "${t.name}" takes no nested tests`); };
    switch (t.name) {
      case 'true': case 'false':
        noTests(); takeArgs(t, { tags: {}, positional: [] }, `test "${t.name}"`);
        return { kind: t.name };
      case 'header': {
        noTests();
        const p = takeArgs(t, { tags: { ...MATCH_TAGS, ...COMPARATOR_TAG }, positional: ['strings', 'strings'] }, 'test "header"');
        return { kind: 'header', spec: matchSpec(p), names: headerNames(p.positional[0]!), keys: p.positional[1]!.value as string[] };
      }
      case 'address': {
        noTests();
        const p = takeArgs(t, { tags: { ...MATCH_TAGS, ...COMPARATOR_TAG, ...ADDRESS_TAGS }, positional: ['strings', 'strings'] }, 'test "address"');
        const names = headerNames(p.positional[0]!, (n) => (ADDRESS_HEADERS.has(n) ? null : `"${n}" is not an address header`));
        return { kind: 'address', spec: matchSpec(p), part: addressPart(p), names, keys: p.positional[1]!.value as string[] };
      }
      case 'envelope': {
        noTests();
        need('envelope', t.pos, 'test "envelope"');
        const p = takeArgs(t, { tags: { ...MATCH_TAGS, ...COMPARATOR_TAG, ...ADDRESS_TAGS }, positional: ['strings', 'strings'] }, 'test "envelope"');
        const names = (p.positional[0]!.value as string[]).map((n) => n.toLowerCase());
        for (const n of names) if (n !== 'from' && n !== 'to') fail(p.positional[0]!.pos, `unsupported envelope part "${n}" (from, to)`);
        return { kind: 'envelope', spec: matchSpec(p), part: addressPart(p), names, keys: p.positional[1]!.value as string[] };
      }
      case 'size': {
        noTests();
        const p = takeArgs(t, { tags: { over: { kind: 'none', group: 'size' }, under: { kind: 'none', group: 'size' } }, positional: ['number'] }, 'test "size"');
        if (!p.tags.has('over') && !p.tags.has('under')) fail(t.pos, 'test "size" needs :over or :under');
        return { kind: 'size', over: p.tags.has('over'), limit: p.positional[0]!.value as number };
      }
      case 'exists': {
        noTests();
        const p = takeArgs(t, { tags: {}, positional: ['strings'] }, 'test "exists"');
        return { kind: 'exists', names: headerNames(p.positional[0]!) };
      }
      case 'allof': case 'anyof': {
        takeArgs(t, { tags: {}, positional: [] }, `test "${t.name}"`);
        if (!t.testList || t.tests.length === 0) fail(t.pos, `test "${t.name}" needs a list of tests in parentheses`);
        return { kind: t.name, tests: t.tests.map(test) };
      }
      case 'not': {
        takeArgs(t, { tags: {}, positional: [] }, 'test "not"');
        if (t.testList || t.tests.length !== 1) fail(t.pos, 'test "not" needs exactly one test');
        return { kind: 'not', test: test(t.tests[0]!) };
      }
      case 'hasflag': {
        noTests();
        need('imap4flags', t.pos, 'test "hasflag"');
        const p = takeArgs(t, { tags: { ...MATCH_TAGS, ...COMPARATOR_TAG }, positional: ['strings'] }, 'test "hasflag"');
        return { kind: 'hasflag', spec: matchSpec(p), keys: p.positional[0]!.value as string[] };
      }
      default:
        return fail(t.pos, `unknown test "${t.name}"`);
    }
  }

  function simple(c: SyntaxCommand): void {
    if (c.tests.length > 0) fail(c.tests[0]!.pos, `command "${c.name}" takes no test`);
    if (c.block) fail(c.pos, `command "${c.name}" takes no block; end it with ";"`);
  }

  function flagsOf(p: Parsed): string[] | null {
    const f = p.tags.get('flags');
    return f ? splitFlags(f.value as string[]) : null;
  }

  function commandList(list: readonly SyntaxCommand[], topLevel: boolean): Command[] {
    const out: Command[] = [];
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      if (c.name === 'require') {
        if (!topLevel || sawOther) fail(c.pos, 'require must come before any other command');
        simple(c);
        const p = takeArgs(c, { tags: {}, positional: ['strings'] }, 'command "require"');
        for (const ext of p.positional[0]!.value as string[]) {
          const name = ext.toLowerCase();
          if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(name)) fail(p.positional[0]!.pos, `unsupported extension "${ext}"`);
          required.add(name);
        }
        continue;
      }
      sawOther = true;
      switch (c.name) {
        case 'if': {
          const branches: { test: Test; body: Command[] }[] = [conditional(c)];
          let otherwise: Command[] | null = null;
          while (i + 1 < list.length && (list[i + 1]!.name === 'elsif' || list[i + 1]!.name === 'else')) {
            const n = list[++i]!;
            if (n.name === 'elsif') { branches.push(conditional(n)); continue; }
            if (n.tests.length > 0) fail(n.tests[0]!.pos, '"else" takes no test');
            takeArgs(n, { tags: {}, positional: [] }, '"else"');
            if (!n.block) fail(n.pos, '"else" needs a block');
            otherwise = commandList(n.block!, false);
            break;
          }
          out.push({ kind: 'if', branches, otherwise });
          break;
        }
        case 'elsif': case 'else':
          fail(c.pos, `"${c.name}" without a preceding "if"`);
          break;
        case 'keep': {
          simple(c);
          const p = takeArgs(c, { tags: { ...FLAGS_TAG }, positional: [] }, 'command "keep"');
          out.push({ kind: 'keep', flags: flagsOf(p) });
          break;
        }
        case 'fileinto': {
          simple(c);
          need('fileinto', c.pos, 'command "fileinto"');
          const p = takeArgs(c, {
            tags: { ...FLAGS_TAG, copy: { kind: 'none', extension: 'copy' }, create: { kind: 'none', extension: 'mailbox' } },
            positional: ['string'],
          }, 'command "fileinto"');
          const mailbox = p.positional[0]!.value as string;
          if (mailbox === '') fail(p.positional[0]!.pos, 'fileinto needs a folder name');
          out.push({ kind: 'fileinto', mailbox, flags: flagsOf(p), copy: p.tags.has('copy'), create: p.tags.has('create') });
          break;
        }
        case 'redirect': {
          simple(c);
          const p = takeArgs(c, { tags: { copy: { kind: 'none', extension: 'copy' } }, positional: ['string'] }, 'command "redirect"');
          const address = (p.positional[0]!.value as string).trim();
          if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address)) fail(p.positional[0]!.pos, `redirect needs a mail address, not "${address}"`);
          out.push({ kind: 'redirect', address, copy: p.tags.has('copy') });
          break;
        }
        case 'reject': {
          simple(c);
          need('reject', c.pos, 'command "reject"');
          const p = takeArgs(c, { tags: {}, positional: ['string'] }, 'command "reject"');
          out.push({ kind: 'reject', reason: p.positional[0]!.value as string });
          break;
        }
        case 'discard': case 'stop':
          simple(c);
          takeArgs(c, { tags: {}, positional: [] }, `command "${c.name}"`);
          out.push({ kind: c.name });
          break;
        case 'vacation':
          simple(c);
          need('vacation', c.pos, 'command "vacation"');
          out.push({ kind: 'vacation', params: vacation(c) });
          break;
        case 'setflag': case 'addflag': case 'removeflag': {
          simple(c);
          need('imap4flags', c.pos, `command "${c.name}"`);
          const p = takeArgs(c, { tags: {}, positional: ['strings'] }, `command "${c.name}"`);
          out.push({ kind: c.name, flags: splitFlags(p.positional[0]!.value as string[]) });
          break;
        }
        default:
          fail(c.pos, `unknown command "${c.name}"`);
      }
    }
    return out;
  }

  function conditional(c: SyntaxCommand): { test: Test; body: Command[] } {
    takeArgs(c, { tags: {}, positional: [] }, `"${c.name}"`);
    if (c.testList || c.tests.length !== 1) fail(c.pos, `"${c.name}" needs exactly one test`);
    if (!c.block) fail(c.pos, `"${c.name}" needs a block`);
    return { test: test(c.tests[0]!), body: commandList(c.block!, false) };
  }

  function vacation(c: SyntaxCommand): VacationParams {
    const p = takeArgs(c, {
      tags: {
        days: { kind: 'number' }, subject: { kind: 'string' }, from: { kind: 'string' },
        addresses: { kind: 'strings' }, mime: { kind: 'none' }, handle: { kind: 'string' },
      },
      positional: ['string'],
    }, 'command "vacation"');
    const days = p.tags.get('days');
    // RFC 5230 section 4.1: a :days below the site's minimum is raised to it, above the maximum lowered.
    const n = days ? Math.min(VACATION_MAX_DAYS, Math.max(VACATION_MIN_DAYS, days.value as number)) : 7;
    return {
      days: n,
      subject: (p.tags.get('subject')?.value as string | undefined) ?? null,
      from: (p.tags.get('from')?.value as string | undefined) ?? null,
      addresses: (p.tags.get('addresses')?.value as string[] | undefined) ?? [],
      mime: p.tags.has('mime'),
      handle: (p.tags.get('handle')?.value as string | undefined) ?? null,
      reason: p.positional[0]!.value as string,
    };
  }

  const script = commandList(commands, true);
  return { extensions: [...required], commands: script };
}

/** RFC 5232 section 3: each string of a flag list may hold several flags separated by spaces. */
export function splitFlags(list: readonly string[]): string[] {
  const out = new Map<string, string>();
  for (const s of list) for (const f of s.split(/\s+/)) if (f !== '' && !out.has(f.toLowerCase())) out.set(f.toLowerCase(), f);
  return [...out.values()];
}

function kindName(kind: TagKind): string {
  return kind === 'number' ? 'a number' : kind === 'string' ? 'a string' : kind === 'strings' ? 'a string list' : 'nothing';
}
