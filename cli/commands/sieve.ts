// `mailroom sieve set|get|ls|rm ADDR`: an account's Sieve scripts (the same ones ManageSieve
// edits). `set` compiles the file first: a broken script is refused with its line and column and
// a non-zero exit, and nothing is stored; a good one is stored and made the active script.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkShape, valueFlag } from '../command-input.js';
import { commandGroup } from '../command-input.js';
import { withServices, type Services } from '../services.js';
import { InputError, NotFoundError } from '../../core/errors.js';
import { compileSieve, SieveSyntaxError } from '../../mail/protocol/sieve/index.js';
import { SqliteSieveStore } from '../../mail/store/sqlite/sieve-store.js';
import type { User } from '../../mail/store/contracts.js';

async function account(s: Services, address: string): Promise<{ user: User; store: SqliteSieveStore }> {
  const user = await s.directory.getUser(address);
  if (!user) throw new NotFoundError('user_not_found', `no such user ${address}`);
  return { user, store: new SqliteSieveStore(s.db) };
}

/** The script's name: --name, else the file's base name without its extension. */
function scriptName(args: Parameters<typeof valueFlag>[0], file: string): string {
  return valueFlag(args, 'name') ?? (path.basename(file).replace(/\.(sieve|siv)$/i, '') || 'mailroom');
}

export const sieveCommand = commandGroup('sieve', {
  async set(args, words) {
    checkShape(args, words, { usage: 'sieve set ADDR FILE [--name NAME]', positional: [2, 2], values: ['name'] });
    const [address, file] = words as [string, string];
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (err) {
      throw new InputError('sieve_file', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    try {
      compileSieve(source);
    } catch (err) {
      if (err instanceof SieveSyntaxError) throw new InputError('sieve_syntax', `${file}: ${err.message}`);
      throw err;
    }
    const name = scriptName(args, file);
    await withServices(args.dataDir, async (s) => {
      const max = s.config.limits.sieve.maxScriptSize;
      if (Buffer.byteLength(source) > max) throw new InputError('sieve_too_large', `${file}: the script is larger than limits.sieve.maxScriptSize (${max} bytes)`);
      const { user, store } = await account(s, address);
      await store.putScript(user.id, name, source, { maxScripts: s.config.limits.sieve.maxScripts });
      await store.setActive(user.id, name);
    });
    process.stdout.write(`stored and activated sieve script "${name}" for ${address.toLowerCase()}\n`);
    return 0;
  },

  async get(args, words) {
    checkShape(args, words, { usage: 'sieve get ADDR [--name NAME]', positional: [1, 1], values: ['name'] });
    const source = await withServices(args.dataDir, async (s) => {
      const { user, store } = await account(s, words[0]!);
      const name = valueFlag(args, 'name');
      const text = name ? await store.getScript(user.id, name) : (await store.activeScript(user.id))?.source ?? null;
      if (text === null) throw new NotFoundError('sieve_script_not_found', name ? `no script named "${name}" for ${user.address}` : `${user.address} has no active sieve script`);
      return text;
    });
    process.stdout.write(source);
    return 0;
  },

  async ls(args, words) {
    checkShape(args, words, { usage: 'sieve ls ADDR [--json]', positional: [1, 1], switches: ['json'] });
    const scripts = await withServices(args.dataDir, async (s) => {
      const { user, store } = await account(s, words[0]!);
      return store.listScripts(user.id);
    });
    if (args.flags.json) process.stdout.write(JSON.stringify(scripts.map((x) => ({ name: x.name, active: x.active, size: x.size, updatedAt: x.updatedAt.toISOString() }))) + '\n');
    else for (const x of scripts) process.stdout.write(`${x.name}\t${x.active ? 'active' : '-'}\t${x.size}\n`);
    return 0;
  },

  async rm(args, words) {
    checkShape(args, words, { usage: 'sieve rm ADDR [--name NAME]', positional: [1, 1], values: ['name'] });
    const removed = await withServices(args.dataDir, async (s) => {
      const { user, store } = await account(s, words[0]!);
      const active = await store.activeScript(user.id);
      const name = valueFlag(args, 'name') ?? active?.name;
      if (!name) throw new NotFoundError('sieve_script_not_found', `${user.address} has no active sieve script`);
      // The CLI is the admin's tool: removing the active script deactivates it first.
      if (active?.name === name) await store.setActive(user.id, null);
      await store.deleteScript(user.id, name);
      return name;
    });
    process.stdout.write(`removed sieve script "${removed}" of ${words[0]!.toLowerCase()}\n`);
    return 0;
  },
});
