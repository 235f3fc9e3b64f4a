// LIST (RFC 9051 section 6.3.9) with LIST-EXTENDED (RFC 5258): selection options SUBSCRIBED,
// SPECIAL-USE (RFC 6154) and RECURSIVEMATCH (REMOTE has nothing to add here), return options
// SUBSCRIBED, CHILDREN, SPECIAL-USE and STATUS (LIST-STATUS, RFC 5819: a `* STATUS` after each
// `* LIST`). Every response carries \HasChildren or \HasNoChildren and the folder's special
// use (RFC 6154 lets a server include it unasked; IMAP4rev2 clients expect it).
//
// The store creates parents with their children, so every level of the hierarchy is a real,
// selectable folder: no \Noselect placeholders, and `%` needs no special parent handling.
// The shared namespace (list archives) follows the personal folders (list-shared.ts).

import { ResponseBuilder, formatUntagged } from '../../../protocol/imap/index.js';
import type { Folder } from '../../../store/contracts.js';
import { AUTHENTICATED, sessionUser } from '../command-states.js';
import { ok, type CommandSpec, type ImapContext } from '../context.js';
import { ImapCommandError } from '../errors.js';
import { HIERARCHY_SEPARATOR, isDescendant, wireFolderName } from '../folder-names.js';
import { ListPattern } from '../list-pattern.js';
import { statusResponse } from '../status-response.js';
import { storeError } from '../store-errors.js';
import { sendSharedList } from './list-shared.js';

/** Pattern characters with wildcards one LIST may ask us to walk for every folder. */
const MAX_WILDCARD_PATTERN = 1024;

/** INBOX first, then by name: the order clients show. */
export function sortFolders(folders: Folder[]): Folder[] {
  return [...folders].sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function listFolders(ctx: ImapContext): Promise<Folder[]> {
  try {
    return sortFolders(await ctx.deps.mailStore.listFolders(sessionUser(ctx).id));
  } catch (err) {
    return storeError(err);
  }
}

/** The patterns of one LIST or LSUB, joined to the reference; refuses ones too costly to match. */
export function compilePatterns(reference: string, patterns: readonly string[]): ListPattern[] {
  const compiled = patterns.map((p) => new ListPattern(reference + p));
  const cost = compiled.reduce((n, p) => n + p.cost, 0);
  if (cost > MAX_WILDCARD_PATTERN) throw new ImapCommandError('imap_pattern_too_long', 'Patterns too long', { status: 'BAD' });
  return compiled;
}

/** `* LIST (attributes) "/" name [extended data]` as one response. */
export function listLine(ctx: ImapContext, verb: 'LIST' | 'LSUB', attributes: readonly string[], name: string, childInfo: readonly string[] = []): Buffer[] {
  const b = new ResponseBuilder(ctx.writerOptions())
    .raw(`* ${verb} (${attributes.join(' ')}) `).string(HIERARCHY_SEPARATOR).sp().string(wireFolderName(ctx, name));
  if (childInfo.length > 0) b.raw(` (("CHILDINFO" (${childInfo.map((c) => `"${c}"`).join(' ')})))`);
  return b.crlf().chunks();
}

export const LIST: CommandSpec<'LIST'> = {
  states: AUTHENTICATED,
  async run(ctx, cmd) {
    const patterns = cmd.patterns.filter((p) => p !== '');
    if (patterns.length === 0) {
      // `LIST "" ""` asks for the hierarchy separator and the root of the reference.
      if (cmd.selectionOptions.length === 0) await ctx.send(formatUntagged(`LIST (\\Noselect) "${HIERARCHY_SEPARATOR}" ""`));
      return ok('LIST completed');
    }
    const matchers = compilePatterns(cmd.reference, patterns);
    const folders = await listFolders(ctx);
    const bySubscription = cmd.selectionOptions.includes('SUBSCRIBED');
    const bySpecialUse = cmd.selectionOptions.includes('SPECIAL-USE');
    const recursive = cmd.selectionOptions.includes('RECURSIVEMATCH');
    const showSubscribed = bySubscription || cmd.returnOptions.subscribed;
    const selects = (f: Folder) => (!bySubscription || f.subscribed) && (!bySpecialUse || f.specialUse !== null);

    for (const folder of folders) {
      if (!matchers.some((m) => m.matches(folder.name))) continue;
      const descendants = folders.filter((d) => isDescendant(d.name, folder.name));
      // RFC 5258 section 3.5: with RECURSIVEMATCH a folder is also listed when a descendant
      // (matching the pattern or not) meets the selection criteria, with CHILDINFO saying which.
      const childInfo: string[] = [];
      if (recursive) {
        if (bySubscription && descendants.some((d) => d.subscribed)) childInfo.push('SUBSCRIBED');
        if (bySpecialUse && descendants.some((d) => d.specialUse !== null)) childInfo.push('SPECIAL-USE');
      }
      const selected = selects(folder);
      if (!selected && childInfo.length === 0) continue;
      const attributes = [descendants.length > 0 ? '\\HasChildren' : '\\HasNoChildren'];
      if (showSubscribed && folder.subscribed) attributes.push('\\Subscribed');
      if (folder.specialUse) attributes.push(folder.specialUse);
      await ctx.send(listLine(ctx, 'LIST', attributes, folder.name, childInfo));
      if (cmd.returnOptions.status && selected) {
        if (cmd.returnOptions.status.includes('HIGHESTMODSEQ')) ctx.condstore = true;
        await ctx.send(await statusResponse(ctx, folder, cmd.returnOptions.status));
      }
    }
    await sendSharedList(ctx, cmd, matchers, folders);
    return ok('LIST completed');
  },
};
