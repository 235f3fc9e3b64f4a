// The appliance's ACME path end to end, against a real Pebble (HTTP-01 through a dnsmasq the
// test runs): the agent has a state directory of its own (agent.stateDir, outside DIR), so it
// installs the certificate through the real privileged helper's tls.install (helper.socket in a
// root-only directory, as /run/mailroom-helper is). An ACME account key left in DIR/acme by an
// earlier release is adopted into STATE, not replaced by a new account. After the panel's
// "issue now": the mail daemon serves the Pebble certificate on SMTP STARTTLS without a
// restart; DIR's TLS files belong to DIR's owner ("nobody" stands in for the mail daemon's user:
// the tests run as root) with the key not readable by others; and the agent left nothing of
// its own in DIR (no database, audit log, secrets or challenges).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TlsStatus } from '../../ui/shared/api-types.js';
import { ApiClient } from '../ui/agent-fixture.js';
import { HelperProcess } from '../helpers/helper-process.js';
import { pebbleAvailable, startPebble, type PebbleFixture } from '../helpers/pebble-fixture.js';
import { smtpStartTlsCertificate } from '../helpers/starttls-certificate.js';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../mail/queue/dnsmasq-fixture.js';
import { AgentProcess } from './agent-process.js';
import { editConfigFile } from './config-file.js';
import { getFreePort, MailroomInstance, TEST_PASSWORD, waitFor } from './harness.js';

const HOST = 'mail.example.test';
const MAIL_UID = 65534; // "nobody": the mail daemon's user on the appliance
const asRoot = process.getuid?.() === 0;
const available = pebbleAvailable() && dnsmasqAvailable();
const skip = !available ? 'pebble or dnsmasq not installed' : !asRoot ? 'the helper must run as root' : false;

/** The same private key, whatever its PEM encoding. */
function keyId(pem: string | Buffer): string {
  return JSON.stringify(createPrivateKey(pem).export({ format: 'jwk' }));
}

describe('the appliance\'s ACME path: agent with its own state directory, certificate installed by the helper', { skip }, () => {
  let dns: DnsmasqFixture | null = null;
  let pebble: PebbleFixture | null = null;
  let inst: MailroomInstance | null = null;
  let helper: HelperProcess | null = null;
  let agent: AgentProcess | null = null;
  let adminPort = 0;
  let stateDir = '';
  let oldAccountKey = '';

  before(async () => {
    dns = await startDnsmasq([`--address=/${HOST}/127.0.0.1`, '--address=/example.test/127.0.0.1']);
    const httpPort = await getFreePort();
    adminPort = await getFreePort();
    pebble = await startPebble({ httpPort, dnsServer: dns.server });
    const { directoryUrl, caCertFile } = pebble;
    let socketPath = '';
    inst = await MailroomInstance.start({
      hostname: HOST, domains: ['example.test'], users: ['alice@example.test'], startTimeoutMs: 60_000,
      editConfig: (cfg) => {
        (cfg.listen as Record<string, unknown>).admin = `127.0.0.1:${adminPort}`;
        (cfg.listen as Record<string, unknown>).http = `127.0.0.1:${httpPort}`;
        cfg.acme = { directoryUrl, caCertFile, email: 'postmaster@example.test' };
        // agent.stateDir and helper.socket are set below, once the instance's temp root is known.
        cfg.agent = { alertInterval: 5, firstBootDir: null };
      },
    });
    // Beside DIR, in the instance's own temp root (root's, 0700): STATE, and the helper's
    // socket directory, which the helper makes root-only.
    stateDir = path.join(inst.root, 'agent-state');
    socketPath = path.join(inst.root, 'helper-run', 'helper.sock');
    // Read by the helper and the agent, both started below (the mail daemon does not use them).
    editConfigFile(inst, (cfg) => {
      (cfg.agent as Record<string, unknown>).stateDir = stateDir;
      cfg.helper = { socket: socketPath, group: null };
    });
    // An earlier release's ACME account key, where it kept it (the mail daemon's, 0600).
    oldAccountKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    mkdirSync(path.join(inst.dataDir, 'acme'), { mode: 0o700 });
    writeFileSync(path.join(inst.dataDir, 'acme', 'account-key.pem'), oldAccountKey, { mode: 0o600 });
    // DIR belongs to the mail daemon's user on the appliance.
    chownSync(inst.dataDir, MAIL_UID, MAIL_UID);

    helper = await HelperProcess.start(inst.dataDir, socketPath);
    agent = new AgentProcess(inst.dataDir);
    await agent.started();
  });
  after(async () => {
    await agent?.stop();
    await helper?.stop();
    await inst?.cleanup();
    await pebble?.stop();
    await dns?.stop();
  });

  test('issue through the agent: STARTTLS serves the Pebble certificate, DIR\'s files are the mail daemon\'s, the agent\'s stay in STATE', async () => {
    const mailPid = inst!.pid;
    const api = new ApiClient(adminPort, readFileSync(inst!.certFile));
    const token = await agent!.setupToken();
    const setup = await api.request('POST', '/api/v1/setup', { json: { token, username: 'root', password: TEST_PASSWORD } });
    assert.equal(setup.status, 201, setup.text);

    const res = await api.request('POST', '/api/v1/tls/issue');
    assert.equal(res.status, 200, `${res.text}\nhelper: ${helper!.output().slice(-1500)}`);
    const issued = (res.json as TlsStatus).certificate!;
    assert.equal(issued.selfSigned, false, res.text);

    // The mail daemon serves it on STARTTLS, without a restart.
    const intermediate = new X509Certificate(await pebble!.intermediate());
    const cert = await waitFor(async () => {
      const c = await smtpStartTlsCertificate(inst!.port, { servername: HOST });
      return c.fingerprint256 === issued.fingerprint256 ? c : null;
    }, 30_000, 'SMTP STARTTLS to serve the new certificate');
    assert.ok(cert.checkIssued(intermediate) && cert.verify(intermediate.publicKey), `${cert.subject} from ${cert.issuer}`);
    assert.equal(inst!.pid, mailPid);
    assert.ok(inst!.alive);

    // Written by the helper: owned by DIR's owner, the key closed to others.
    const certFile = statSync(path.join(inst!.dataDir, 'tls', 'cert.pem'));
    const keyFile = statSync(path.join(inst!.dataDir, 'tls', 'key.pem'));
    for (const st of [certFile, keyFile]) assert.deepEqual([st.uid, st.gid], [MAIL_UID, MAIL_UID]);
    assert.equal(keyFile.mode & 0o007, 0, `key mode ${(keyFile.mode & 0o777).toString(8)}`);
    assert.equal(certFile.mode & 0o022, 0);
    assert.match(helper!.output(), /"command":"tls\.install"/);
    assert.deepEqual(readdirSync(path.join(inst!.dataDir, 'tls')).filter((n) => n.endsWith('.tmp')), []);

    // The old account was kept: STATE's key is the one from DIR, and DIR's is left as it was.
    assert.equal(keyId(readFileSync(path.join(stateDir, 'acme', 'account-key.pem'))), keyId(oldAccountKey));
    assert.equal(readFileSync(path.join(inst!.dataDir, 'acme', 'account-key.pem'), 'utf8'), oldAccountKey);
    assert.ok(agent!.lines.some((l) => l.msg === 'adopted the ACME account key of an earlier release'));

    // The agent's own files are in STATE, none in DIR.
    assert.ok(existsSync(path.join(stateDir, 'agent.db')));
    for (const name of ['agent.db', 'audit.log', path.join('secrets', 'metrics.token'), path.join('acme', 'challenges')]) {
      assert.equal(existsSync(path.join(inst!.dataDir, name)), false, `DIR/${name} should not exist`);
    }
    assert.deepEqual(readdirSync(path.join(inst!.dataDir, 'acme')), ['account-key.pem']);
  });
});
