// DKIM keys for tests: a real key store in a temp dir, and a fake mailauth resolver that serves
// its published keys as TXT records.

import { mkdtempSync, rmSync } from 'node:fs';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsDkimKeyStore } from '../../../mail/store/fs/dkim-key-store.js';

export async function tempKeyStore(domains: string[]): Promise<{ store: FsDkimKeyStore; dataDir: string; cleanup(): void }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mailroom-dkim-'));
  const store = new FsDkimKeyStore({ dataDir });
  for (const d of domains) await store.create(d);
  return { store, dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** TXT records by name; anything else is NXDOMAIN, as node's resolver reports it. */
export function fakeResolver(txt: Map<string, string[]>) {
  return async (name: string, rrtype: string): Promise<unknown> => {
    const values = rrtype === 'TXT' ? txt.get(name.toLowerCase()) : undefined;
    if (!values) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return values.map((v) => [v]);
  };
}

export async function publishedTxt(store: FsDkimKeyStore, domain: string): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  for (const key of await store.publishedKeys(domain)) map.set(`${key.selector}._domainkey.${domain}`, [key.txt]);
  return map;
}

/** For a suite: a key store with `domain`'s keys and a resolver publishing them, made before it and removed after. */
export function suiteSigningKeys(domain = 'example.com'): { keys: Awaited<ReturnType<typeof tempKeyStore>>; resolver: ReturnType<typeof fakeResolver> } {
  const fixture = {} as { keys: Awaited<ReturnType<typeof tempKeyStore>>; resolver: ReturnType<typeof fakeResolver> };
  before(async () => {
    fixture.keys = await tempKeyStore([domain]);
    fixture.resolver = fakeResolver(await publishedTxt(fixture.keys.store, domain));
  });
  after(() => fixture.keys.cleanup());
  return fixture;
}
