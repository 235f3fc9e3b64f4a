// Inside the tools chroot (build-app.sh): bundles the compiled application (dist/, tsc's
// output) into one CommonJS file for the image, plus the commit worker and the start script.
// Why: Debian's Node.js has no startup snapshot and no code cache of its own, and under
// software emulation the daemon spent most of its start resolving, reading and compiling ~900
// module files. One file is one read; its V8 code cache (made by make-code-cache.cjs) removes
// the compile.
// Usage: node bundle-app.mjs COMPILE_DIR OUT_DIR
//   COMPILE_DIR  has dist/ (tsc output) and node_modules/ (all dependencies, esbuild among them)
//   OUT_DIR      gets mailroom.js, serve.js and mailauth.js, one file per worker thread, start.js,
//                start-serve.js and package.json ({"type":"commonjs"})
// OUT_DIR must be two levels below the application's root (dist/bundle/): the code finds
// package.json and the panel's files at ../../ from its own file, as it does from dist/*/.
import { createRequire } from 'node:module';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [compileDir, outDir] = process.argv.slice(2);
if (!compileDir || !outDir) {
  process.stderr.write('usage: node bundle-app.mjs COMPILE_DIR OUT_DIR\n');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(compileDir), 'package.json'));
const esbuild = require('esbuild');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // The one native module stays a file in node_modules: it is loaded with require() at run time.
  external: ['better-sqlite3'],
  // import.meta.url is the bundle's own file URL (dist/bundle/NAME.js): the paths the code
  // derives from it (../../package.json, ../../ui/client/dist/, ./commit-worker.js) still hold.
  define: { 'import.meta.url': '__mailroom_import_meta_url' },
  // The application is ES modules, which are strict; the banner keeps the bundle so.
  banner: { js: '"use strict";\nvar __mailroom_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  // Names kept: error classes and stack traces read as they do from dist/.
  minify: false,
  keepNames: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Deterministic output: no absolute paths of the build machine in the bundle.
  absWorkingDir: path.resolve(compileDir),
};

await esbuild.build({ ...common, entryPoints: ['dist/cli/main.js'], outfile: path.join(outDir, 'mailroom.js') });

// The mail daemon's own bundle (serve.js, started by start-serve.js from the mail unit): the same
// CLI with `serve` as its only command (cli/commands/serve-only.ts in place of the command map),
// so the daemon's start reads and checks 2.8 MB instead of the whole application's 10 MB. mailauth
// (SPF/DKIM/DMARC/ARC on the MX, with undici, joi, tldts and the X.509 parsers: half of what
// remains) is a bundle of its own beside it, mailauth.js, required when the daemon first needs it
// (message-auth.ts loads it after the listeners have opened).
const serveOnly = {
  name: 'serve-only',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/index\.js$/ }, (args) =>
      (args.importer.endsWith(path.join('dist', 'cli', 'main.js')) ? { path: path.join(path.resolve(compileDir), 'dist', 'cli', 'commands', 'serve-only.js') } : undefined));
    build.onResolve({ filter: /^mailauth$/ }, () => ({ path: 'mailauth', namespace: 'beside' }));
    // A require() of the file beside the bundle: a dynamic import() would not run inside the
    // vm.Script that start.js compiles the bundle with.
    build.onLoad({ filter: /^mailauth$/, namespace: 'beside' }, () => ({ contents: "module.exports = require('./mailauth.js');", loader: 'js' }));
    build.onResolve({ filter: /^\.\/mailauth\.js$/ }, () => ({ path: './mailauth.js', external: true }));
  },
};
await esbuild.build({ ...common, entryPoints: ['dist/cli/main.js'], outfile: path.join(outDir, 'serve.js'), plugins: [serveOnly] });
await esbuild.build({ ...common, entryPoints: ['mailauth'], outfile: path.join(outDir, 'mailauth.js') });

// Worker threads are started from a file beside the module that starts them:
// `new URL('./NAME.js', import.meta.url)`. Each one found in dist/ becomes its own bundle,
// dist/bundle/NAME.js, where that URL points from inside mailroom.js.
const workerRef = /new URL\(\s*['"]\.\/([\w.-]+\.js)['"]\s*,\s*import\.meta\.url\s*\)/g;
const workers = new Map();
// The application's parts only (a development tree's dist/ also holds the compiled tests).
const parts = ['core', 'cli', 'mail', 'agent', 'ui'];
const compiled = parts.flatMap((part) => {
  try { return readdirSync(path.join(compileDir, 'dist', part), { recursive: true, withFileTypes: true }); } catch { return []; }
});
for (const entry of compiled) {
  if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
  const from = path.join(entry.parentPath ?? entry.path, entry.name);
  for (const [, name] of readFileSync(from, 'utf8').matchAll(workerRef)) {
    const source = path.relative(path.resolve(compileDir), path.join(path.dirname(from), name));
    if (workers.has(name) && workers.get(name) !== source) throw new Error(`two workers named ${name}: ${workers.get(name)} and ${source}`);
    workers.set(name, source);
  }
}
for (const [name, source] of [...workers].sort()) {
  await esbuild.build({ ...common, entryPoints: [source], outfile: path.join(outDir, name) });
}
process.stderr.write(`bundle-app: mailroom.js, serve.js, mailauth.js and ${workers.size} worker(s): ${[...workers.keys()].sort().join(', ')}\n`);
// .js files under dist/bundle are CommonJS (the application's package.json says "module"). No
// "name": mail/control/package-version.ts walks up to the application's package.json.
writeFileSync(path.join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
// One start script, two names: start.js runs mailroom.js, start-serve.js runs serve.js.
for (const name of ['start.js', 'start-serve.js']) copyFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'app-start.cjs'), path.join(outDir, name));
