// Inside the tools chroot (build-app.sh): makes dist/bundle/mailroom.js.cache, the V8 code cache
// that app-start.cjs hands to V8 so the mail daemon's JavaScript is not compiled again on every
// start (Debian's Node.js has no code cache of its own; under software emulation compiling was
// most of the daemon's start).
// How: a throw-away data directory (`mailroom init`, every listener on a free loopback port), then
// `mailroom serve` with a fresh database, as on the appliance's first boot; once it greets on SMTP
// it writes the cache of everything compiled so far and exits.
// Reproducible: V8's --random-seed (not part of the cache's flag check) fixes what would otherwise
// differ from run to run. The cache is made twice from scratch and used only if both are the same
// bytes (a third try breaks a tie); otherwise the cache of the bundle's top level alone, which
// depends on nothing but the source, is used and the build says so.
// Usage: node make-code-cache.cjs BUNDLE_DIR [start.js|start-serve.js]
//   the start script whose bundle gets the cache (start.js: mailroom.js, the default;
//   start-serve.js: serve.js, the mail unit's). `init` always runs through start.js.
'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file: require is how it loads */
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const dir = path.resolve(process.argv[2] ?? '');
const BUNDLES = { 'start.js': 'mailroom.js', 'start-serve.js': 'serve.js' };
const entry = process.argv[3] ?? 'start.js';
const init = path.join(dir, 'start.js');
const start = path.join(dir, entry);
const bundle = path.join(dir, BUNDLES[entry] ?? '-');
const target = `${bundle}.cache`;
if (!BUNDLES[entry] || !fs.existsSync(init) || !fs.existsSync(start) || !fs.existsSync(bundle)) {
  process.stderr.write('usage: node make-code-cache.cjs BUNDLE_DIR [start.js|start-serve.js] (with start.js, mailroom.js and the one named)\n');
  process.exit(2);
}
const V8_FLAGS = ['--random-seed=1'];
const say = (msg) => process.stderr.write(`make-code-cache: ${msg}\n`);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function greets(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setEncoding('latin1');
    s.setTimeout(5000, () => { s.destroy(); resolve(false); });
    s.once('data', (d) => { s.destroy(); resolve(d.startsWith('220')); });
    s.once('error', () => resolve(false));
  });
}

/** One run: fresh data directory, serve until the SMTP greeting, write the cache to `out`. */
async function runOnce(out) {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-cache-'));
  try {
    execFileSync(process.execPath, [init, '--data', data, 'init', '--hostname', 'mail.build.invalid'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const configFile = path.join(data, 'config.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    for (const key of Object.keys(config.listen)) {
      if (config.listen[key]) config.listen[key] = `127.0.0.1:${await freePort()}`;
    }
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    const smtp = Number(config.listen.smtp.split(':')[1]);
    const child = spawn(process.execPath, [...V8_FLAGS, start, '--data', data, 'serve'], {
      env: { ...process.env, MAILROOM_WRITE_CODE_CACHE: out },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let done = false;
    void exited.then(() => { done = true; });
    const deadline = Date.now() + 300_000;
    while (!done && Date.now() < deadline && !(await greets(smtp))) await new Promise((r) => setTimeout(r, 100));
    if (done || Date.now() >= deadline) {
      child.kill('SIGKILL');
      throw new Error(`mailroom serve did not greet on 127.0.0.1:${smtp}: ${stderr.trim().slice(-1000)}`);
    }
    child.kill('SIGUSR2');
    const { code } = await exited;
    if (code !== 0 || !fs.existsSync(out)) throw new Error(`mailroom serve did not write the cache (exit ${code}): ${stderr.trim().slice(-1000)}`);
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
}

/** The fallback: the cache of the top level only (compiled, not run). */
function topLevelOnly(out) {
  const code = `const fs=require('fs'),vm=require('vm'),M=require('module');` +
    `const f=${JSON.stringify(bundle)};` +
    `fs.writeFileSync(${JSON.stringify(out)},new vm.Script(M.wrap(fs.readFileSync(f,'utf8')),{filename:f}).createCachedData());`;
  execFileSync(process.execPath, [...V8_FLAGS, '-e', code], { stdio: 'inherit' });
  return fs.readFileSync(out);
}

async function main() {
  fs.rmSync(target, { force: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-cache-out-'));
  try {
    let chosen = null;
    try {
      const runs = [await runOnce(path.join(tmp, '1')), await runOnce(path.join(tmp, '2'))];
      if (runs[0].equals(runs[1])) chosen = runs[0];
      else {
        const third = await runOnce(path.join(tmp, '3'));
        chosen = runs.find((r) => r.equals(third)) ?? null;
      }
      if (!chosen) say('the runs made different caches: using the top-level cache instead (slower start)');
    } catch (err) {
      say(`${err.message}: using the top-level cache instead (slower start)`);
    }
    if (!chosen) {
      const a = topLevelOnly(path.join(tmp, 'a'));
      const b = topLevelOnly(path.join(tmp, 'b'));
      if (!a.equals(b)) { say('even the top-level cache differs between runs: no code cache'); return; }
      chosen = a;
    }
    fs.writeFileSync(target, chosen);
    // Does this Node.js take it? (A rejected cache costs nothing but the read; still, say so.)
    const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle, cachedData: chosen });
    if (script.cachedDataRejected) { fs.rmSync(target); say('Node.js rejects the cache it made: no code cache'); return; }
    say(`${path.basename(target)}: ${(chosen.length / 2 ** 20).toFixed(1)} MiB`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => { say(err.stack); process.exit(1); });
