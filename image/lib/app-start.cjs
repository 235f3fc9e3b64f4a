// The image's `mailroom` entry (installed as /usr/lib/mailroom/dist/bundle/start.js; see
// bundle-app.mjs): runs the bundled application (mailroom.js beside this file) with the V8 code
// cache made at image build time (mailroom.js.cache), so Node.js does not compile the daemon's
// JavaScript again on every start. Behaviour is that of bin/mailroom.js; only the loading differs.
// A cache that V8 rejects (another Node.js or V8 flags) is ignored: the code is compiled as usual.
// MAILROOM_WRITE_CODE_CACHE=FILE (build time only, make-code-cache.cjs): once the process has
// received SIGUSR2, the cache of everything compiled so far is written to FILE, then it exits.
'use strict';
/* global require, module, __dirname, __filename */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file: require is how it loads */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

// As bin/mailroom.js: before anything touches libuv's thread pool.
process.env.UV_THREADPOOL_SIZE ??= '16';

// Installed twice (bundle-app.mjs): as start.js for the whole application (mailroom.js), and as
// start-serve.js for the mail unit (serve.js: the CLI with `serve` alone, a quarter of the size).
const file = path.join(__dirname, path.basename(__filename) === 'start-serve.js' ? 'serve.js' : 'mailroom.js');
const cacheFile = `${file}.cache`;
const source = fs.readFileSync(file, 'utf8');
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// The same wrapper require() puts around a CommonJS file; the cache is made for exactly this text.
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
if (cachedData && script.cachedDataRejected && process.env.MAILROOM_DEBUG_CODE_CACHE) {
  process.stderr.write(`mailroom: code cache ${cacheFile} rejected by this Node.js; compiling\n`);
}

const writeTo = process.env.MAILROOM_WRITE_CODE_CACHE;
if (writeTo) {
  delete process.env.MAILROOM_WRITE_CODE_CACHE;
  process.once('SIGUSR2', () => {
    fs.writeFileSync(writeTo, script.createCachedData());
    process.exit(0);
  });
}

const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(__dirname);
const wrapped = script.runInThisContext();
wrapped.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, __dirname);
mod.loaded = true;
