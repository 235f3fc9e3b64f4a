// The client side of SCRAM-SHA-256 (RFC 5802), written from the RFC for tests: no mail client in
// Debian's archive speaks it from a script, and the server must be checked against an
// independent implementation of the same arithmetic, not against its own code.

import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();

export class ScramClient {
  readonly nonce: string;
  private bare = '';
  private salted: Buffer | null = null;
  private authMessage = '';

  constructor(private readonly username: string, private readonly password: string, nonce = randomBytes(18).toString('base64')) {
    this.nonce = nonce;
  }

  clientFirst(): string {
    this.bare = `n=${this.username.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${this.nonce}`;
    return `n,,${this.bare}`;
  }

  /** Answers server-first with client-final; `proofOverride` sends a wrong proof on purpose. */
  clientFinal(serverFirst: string, options: { wrongProof?: boolean } = {}): string {
    const attrs = new Map(serverFirst.split(',').map((kv) => [kv[0]!, kv.slice(2)] as const));
    const nonce = attrs.get('r')!;
    if (!nonce.startsWith(this.nonce)) throw new Error('server nonce does not extend ours');
    this.salted = pbkdf2Sync(this.password.normalize('NFKC'), Buffer.from(attrs.get('s')!, 'base64'), Number(attrs.get('i')), 32, 'sha256');
    const withoutProof = `c=biws,r=${nonce}`;
    this.authMessage = `${this.bare},${serverFirst},${withoutProof}`;
    const clientKey = hmac(this.salted, 'Client Key');
    const signature = hmac(createHash('sha256').update(clientKey).digest(), this.authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    if (options.wrongProof) proof[0]! ^= 0xff;
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** True when the server-final proves the server knows our keys. */
  verifyServerFinal(serverFinal: string): boolean {
    const expected = hmac(hmac(this.salted!, 'Server Key'), this.authMessage).toString('base64');
    return serverFinal === `v=${expected}`;
  }
}
