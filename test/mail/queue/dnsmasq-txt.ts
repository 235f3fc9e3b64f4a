// A dnsmasq `--txt-record` option for any TXT value: values longer than one DNS character-string
// (255 bytes, e.g. an RSA-2048 DKIM key) are given as several strings separated by commas (see
// PEERS.md). The quotes PEERS.md shows are for a shell; spawn() passes argv as is, and dnsmasq
// would keep the quotes as part of the value.

export function txtRecordArg(name: string, value: string): string {
  if (value.includes(',')) throw new Error(`a TXT value with a comma cannot be given to dnsmasq on its command line: ${value}`);
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(value.slice(i, i + 255));
  return `--txt-record=${name},${parts.join(',')}`;
}
