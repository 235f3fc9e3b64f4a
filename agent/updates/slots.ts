// Where installed versions of the application live, and which one runs. Today: directories
// SLOTS/a and SLOTS/b with a symlink SLOTS/current naming the active one, swapped atomically
// (a new link under a temporary name, renamed over the old). The interface is what the update
// flow needs, so the image's A/B root partitions can replace the directories later:
// stage = write the inactive partition, activate = choose the boot slot.

import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, readlink, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SLOT_META_FILE } from './bundle-format.js';
import { UpdateError } from './update-errors.js';

export interface SlotInfo {
  name: string;
  /** The version installed there, null for an empty slot. */
  version: string | null;
  installedAt: string | null;
  active: boolean;
}

export interface SlotsState {
  /** The active slot's name, null before the first install. */
  active: string | null;
  slots: SlotInfo[];
}

export interface StagedSlot {
  /** The slot this will become. */
  readonly slot: string;
  /** An empty directory to write the new tree into. */
  readonly dir: string;
  /** Makes the staged tree the slot's content (the slot must not be the active one). */
  commit(meta: { version: string }): Promise<void>;
  /** Throws the staged tree away. */
  discard(): Promise<void>;
}

export interface UpdateSlots {
  describe(): Promise<SlotsState>;
  /** A staging area for the slot that is not active. */
  stage(): Promise<StagedSlot>;
  /** Makes `slot` the active one (null: none, as before the first install). */
  activate(slot: string | null): Promise<void>;
}

const SLOT_NAMES = ['a', 'b'] as const;
const CURRENT = 'current';

interface SlotMeta { version: string; installedAt: string }

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}

export class DirectorySlots implements UpdateSlots {
  constructor(private readonly root: string, private readonly now: () => Date = () => new Date()) {}

  /** The active slot's directory, for launchers: SLOTS/current. */
  get currentPath(): string {
    return path.join(this.root, CURRENT);
  }

  private async activeName(): Promise<string | null> {
    let target: string;
    try {
      target = await readlink(this.currentPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      if (code === 'EINVAL') throw new UpdateError('slots_invalid', `${this.currentPath} is not a symlink`);
      throw err;
    }
    if (!(SLOT_NAMES as readonly string[]).includes(target)) throw new UpdateError('slots_invalid', `${this.currentPath} points to "${target}", not to a slot (${SLOT_NAMES.join(', ')})`);
    return target;
  }

  private async meta(name: string): Promise<SlotMeta | null> {
    try {
      const m = JSON.parse(await readFile(path.join(this.root, name, SLOT_META_FILE), 'utf8')) as SlotMeta;
      return typeof m.version === 'string' ? m : null;
    } catch {
      return null;
    }
  }

  async describe(): Promise<SlotsState> {
    const active = await this.activeName();
    const slots: SlotInfo[] = [];
    for (const name of SLOT_NAMES) {
      const m = await this.meta(name);
      slots.push({ name, version: m?.version ?? null, installedAt: m?.installedAt ?? null, active: name === active });
    }
    return { active, slots };
  }

  async stage(): Promise<StagedSlot> {
    await mkdir(this.root, { recursive: true, mode: 0o755 });
    const active = await this.activeName();
    const slot = SLOT_NAMES.find((n) => n !== active)!;
    const dir = path.join(this.root, `.staging-${slot}-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { mode: 0o755 });
    const root = this.root;
    const now = this.now;
    let done = false;
    return {
      slot, dir,
      async commit(meta) {
        if (done) throw new Error('staged slot used twice');
        done = true;
        await writeFile(path.join(dir, SLOT_META_FILE), JSON.stringify({ version: meta.version, installedAt: now().toISOString() }) + '\n', { mode: 0o644, flush: true });
        const target = path.join(root, slot);
        // The old content of the inactive slot moves aside first, so the slot's name never holds
        // a half-written tree; what is left over from a crash is only ever a .old or .staging.
        const old = path.join(root, `.old-${slot}-${randomBytes(6).toString('hex')}`);
        await rename(target, old).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
        await rename(dir, target);
        await fsyncDir(root);
        await rm(old, { recursive: true, force: true });
      },
      async discard() {
        done = true;
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  async activate(slot: string | null): Promise<void> {
    if (slot === null) {
      await unlink(this.currentPath).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
      await fsyncDir(this.root);
      return;
    }
    if (!(SLOT_NAMES as readonly string[]).includes(slot)) throw new UpdateError('slots_invalid', `no slot "${slot}"`);
    const st = await lstat(path.join(this.root, slot)).catch(() => null);
    if (!st?.isDirectory()) throw new UpdateError('slots_invalid', `slot ${slot} is empty; nothing to activate`);
    const tmp = path.join(this.root, `.current-${randomBytes(6).toString('hex')}`);
    await symlink(slot, tmp);
    // rename(2) replaces the link in one step: a reader sees the old slot or the new, never none.
    await rename(tmp, this.currentPath);
    await fsyncDir(this.root);
  }

  /** Removes what an interrupted stage or commit left behind (.staging-*, .old-*, .current-*). */
  async sweep(): Promise<void> {
    let names: string[];
    try { names = await readdir(this.root); } catch { return; }
    for (const n of names) if (/^\.(staging|old|current)-/.test(n)) await rm(path.join(this.root, n), { recursive: true, force: true });
  }
}
