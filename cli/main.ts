// The `mailroom` command. Parses the global options, picks the command from a typed map and
// runs it. Errors print as one line on stderr with a non-zero exit; nothing else prints stacks.

import { parseArgs, type CliArgs } from './args.js';
import { commands } from './commands/index.js';
import { MailroomError, ConfigError } from '../core/errors.js';

export const USAGE = `usage: mailroom [--data DIR] COMMAND ...

  init --hostname HOST          create DIR/config.json, self-signed TLS, secrets
  serve                         run the mail daemon
  agent                         run the agent: admin panel and API, monitoring, alerts
  domain add|rm|ls [NAME]       (add creates the domain's DKIM keys)
  domain dkim-rotate NAME | dkim-retire NAME SELECTOR
  user add ADDR --password-stdin [--quota SIZE] | rm ADDR | ls [DOMAIN] | passwd ADDR --password-stdin | quota ADDR SIZE
  user disable ADDR | enable ADDR   (logins refused, mail still accepted)
  alias add ADDR TARGET[,TARGET] | rm ADDR | ls [DOMAIN]     (@domain = catch-all)
  mail ls ADDR [--folder F] [--json] | cat ADDR UID [--folder F]
  queue ls [--json] | retry ID | rm ID
  admin add NAME --password-stdin | ls [--json] | rm NAME | passwd NAME --password-stdin | totp NAME | totp-off NAME
  dns DOMAIN [--json] [--check] records to publish: MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, autoconfig
  tls issue [--json] | status [--json]   ACME certificate (HTTP-01 on listen.http), hot-reloaded
  updates check [--bundle FILE|DIR] [--json] | apply [--bundle FILE] [--force] | apt-apply | status [--json]
  updates keygen --out PREFIX | pack DIR --version V --key FILE --out FILE   (the release side)
  helper                        run the privileged helper (root; a closed catalogue on a Unix socket)
  firewall show|check|apply [--confirm-timeout S]|confirm|block IP [--for DURATION]|unblock IP
  backup create|list --repo REPO --password-stdin [--json]
  backup restore --repo REPO --password-stdin [--snapshot ID] (--target NEWDIR | --mailbox ADDR)

DIR defaults to $MAILROOM_DATA, else /var/lib/mailroom.`;

async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv, process.env);
  } catch (err) {
    process.stderr.write(`mailroom: ${(err as Error).message}\n`);
    return 2;
  }
  if (!args.command || args.command === 'help' || args.flags.help) {
    process.stdout.write(USAGE + '\n');
    return args.command ? 0 : 2;
  }
  const command = commands[args.command];
  if (!command) {
    process.stderr.write(`mailroom: unknown command "${args.command}" (try "mailroom help")\n`);
    return 2;
  }
  try {
    return await command(args);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`mailroom: ${err.message}\n`);
      return 1;
    }
    if (err instanceof MailroomError) {
      process.stderr.write(`mailroom: ${err.message}\n`);
      return err.code === 'usage' ? 2 : 1;
    }
    process.stderr.write(`mailroom: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`mailroom: ${String(err)}\n`); process.exitCode = 1; },
);
