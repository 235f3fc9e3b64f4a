// `mailroom tls issue [--json]`: orders a certificate from the ACME CA (config acme.*) for the
// host name and every domain's autoconfig, autodiscover and mta-sts names, proves them with
// HTTP-01 on listen.http, installs it at tls.cert/tls.key and tells the running mail daemon
// (`tls reload` on its control socket); a running agent notices the new file itself.
// Who answers the challenges: the CLI runs its own small responder on listen.http when the port
// is free (no agent running); when the agent holds the port, the agent answers them from the
// same challenge store (DIR/acme/challenges). So it works with or without the agent.
// `mailroom tls status [--json]`: subject, names, issuer, validity and days left of tls.cert.

import type { CliArgs } from '../args.js';
import { checkShape, commandGroup } from '../command-input.js';
import { loadCliConfig, withServices } from '../services.js';
import { splitHostPort } from '../../core/config.js';
import { MailroomError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { AcmeService } from '../../agent/acme/acme-service.js';
import { startChallengeResponder, type ChallengeResponder } from '../../agent/acme/challenge-responder.js';
import { challengeDir, FileChallengeStore } from '../../agent/acme/challenge-store.js';
import { readCertificateStatus } from '../../agent/acme/certificate-status.js';
import { reloadMailTls, type MailReloadOutcome } from '../../agent/acme/mail-tls-reload.js';
import { CONTROL_SOCKET } from '../../mail/control/control-protocol.js';
import type { TlsCertificateStatus } from '../../ui/shared/api-types.js';
import path from 'node:path';

function describe(s: TlsCertificateStatus): string {
  return [
    `file:      ${s.file}`,
    `subject:   ${s.subject}`,
    `names:     ${s.names.join(', ') || '(none)'}`,
    `issuer:    ${s.issuer}${s.selfSigned ? ' (self-signed)' : ''}`,
    `notBefore: ${s.notBefore}`,
    `notAfter:  ${s.notAfter}`,
    `daysLeft:  ${s.daysLeft}`,
    `sha256:    ${s.fingerprint256}`,
  ].join('\n') + '\n';
}

async function status(args: CliArgs, words: string[]): Promise<number> {
  checkShape(args, words, { usage: 'tls status [--json]', positional: [0, 0], switches: ['json'] });
  const config = loadCliConfig(args.dataDir);
  const s = await readCertificateStatus(config.tls.cert);
  process.stdout.write(args.flags.json ? JSON.stringify(s) + '\n' : describe(s));
  return 0;
}

async function issue(args: CliArgs, words: string[]): Promise<number> {
  checkShape(args, words, { usage: 'tls issue [--json]', positional: [0, 0], switches: ['json'] });
  const config = loadCliConfig(args.dataDir);
  if (!config.listen.http) throw new MailroomError('acme_no_http_listener', 'listen.http is null: HTTP-01 needs the plain HTTP listener (port 80 on a server)');
  const domains = await withServices(args.dataDir, async (s) => (await s.directory.listDomains()).map((d) => d.name));
  const challenges = new FileChallengeStore(challengeDir(config.dataDir));
  const { host, port } = splitHostPort(config.listen.http);
  let responder: ChallengeResponder | null = null;
  try {
    responder = await startChallengeResponder(challenges, host, port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Taken: the agent is there and answers from the same store.
    if (code !== 'EADDRINUSE') throw new MailroomError('acme_http_listen_failed', `cannot listen on ${config.listen.http} for HTTP-01 (${code ?? (err as Error).message})`, { cause: err });
  }
  let mail: MailReloadOutcome | null = null;
  try {
    const service = new AcmeService({
      dataDir: config.dataDir, hostname: config.hostname, acme: config.acme, tlsFiles: config.tls,
      domains: async () => domains, challenges,
      onInstalled: async () => { mail = await reloadMailTls(path.join(config.dataDir, 'run', CONTROL_SOCKET)); },
      // The failure itself is the command's one line on stderr; the steps only with log.level debug.
      logger: createLogger({ level: config.log.level === 'debug' ? 'debug' : 'error', sink: process.stderr, bindings: { component: 'acme' } }),
    });
    const s = await service.issue('cli');
    const reload = mail as MailReloadOutcome | null;
    if (args.flags.json) {
      process.stdout.write(JSON.stringify({ ...s, mailReloaded: reload?.reloaded ?? false }) + '\n');
    } else {
      process.stdout.write(`issued a certificate for ${s.names.join(', ')} by ${s.issuer}, valid until ${s.notAfter}\n`);
      process.stdout.write(reload?.reloaded ? 'the mail daemon serves it now\n' : 'the mail daemon is not running; it uses the new certificate when it starts\n');
    }
    return 0;
  } finally {
    await responder?.close();
  }
}

export const tlsCommand = commandGroup('tls', { issue, status });
