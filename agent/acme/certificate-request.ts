// A new private key (RSA 2048, made by node: what every mail client and MTA still accepts) and
// a PKCS#10 request for the names, the host name as CN. Signed with acme-client's node-forge
// interface, not its default createCsr: that one's ASN.1 schema registry breaks when npm installs
// several copies of @peculiar/asn1-schema, as it does in this tree.

import { generateKeyPairSync } from 'node:crypto';
import { loadAcmeClient } from './acme-order.js';

export async function createCertificateRequest(names: readonly string[]): Promise<{ key: string; csr: string }> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const acme = await loadAcmeClient();
  const [, csr] = await acme.forge.createCsr({ commonName: names[0]!, altNames: [...names] }, key);
  return { key, csr: csr.toString('utf8') };
}
