#!/usr/bin/env bash
# Inside the tools chroot: builds the application as it goes into the image, against trixie's
# Node.js. Output: /cache/app/out = package.json, bin/, dist/ (compiled JS, no tests, no source
# maps) and node_modules without development dependencies (better-sqlite3 compiled here).
set -euo pipefail
[ -f /etc/debian_version ] && [ -d /src ] || { echo "run me through image/lib/in-tools.sh" >&2; exit 1; }

# The parts of the repository that make up the running application (tests and benches stay out).
APP_PATHS=(package.json package-lock.json tsconfig.json bin core cli mail agent ui)
W=/cache/app
export npm_config_cache=/cache/npm npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# No prebuilt binaries from outside Debian's and npm's registries: compile better-sqlite3 here.
export npm_config_build_from_source=true

rm -rf "$W/compile" "$W/out"
mkdir -p "$W/compile" "$W/out"
for p in "${APP_PATHS[@]}"; do cp -a "/src/$p" "$W/compile/"; done

# 1. Compile: every dependency, install scripts off (tsc needs the types, not the native module).
cd "$W/compile"
npm ci --ignore-scripts --loglevel=warn
cat > tsconfig.image.json <<'JSON'
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "sourceMap": false, "incremental": false, "rootDir": ".", "outDir": "dist" },
  "include": ["core", "cli", "mail", "agent", "ui"],
  "exclude": ["node_modules", "dist", "**/fixtures/**", "ui/client"]
}
JSON
# Type errors are `npm test`'s to report; tsc emits regardless, and the image takes what it emits.
node node_modules/typescript/bin/tsc -p tsconfig.image.json || echo "build-app: tsc reported type errors (emitted anyway)" >&2
[ -f dist/cli/main.js ] || { echo "build-app: tsc produced no dist/cli/main.js" >&2; exit 1; }
# The admin panel's bundle (esbuild, ui/client/build.mjs), where the agent looks for it
# (ui/client/dist next to dist/): without it the panel's API works but there is no page.
node ui/client/build.mjs --outdir "$W/compile/panel" >/dev/null
find "$W/compile/panel" -name '*.map' -delete

# 2. Runtime: production dependencies only, with their install scripts (the native module).
cd "$W/out"
cp "$W/compile/package.json" "$W/compile/package-lock.json" .
cp -a "$W/compile/bin" "$W/compile/dist" .
mkdir -p ui/client && cp -a "$W/compile/panel" ui/client/dist
npm ci --omit=dev --ignore-scripts --loglevel=warn
# better-sqlite3 is the one dependency with an install script. Compiling it takes minutes on
# two cores, so the module is kept per (its locked version, trixie's node and compiler).
sqlite=node_modules/better-sqlite3
key="$( { node -p "JSON.stringify(require('./package-lock.json').packages['node_modules/better-sqlite3'])"; node --version; gcc --version | head -n1; } | sha256sum | cut -c1-16)"
cached="/cache/native/better-sqlite3-$key.node"
if [ -f "$cached" ]; then
  echo "build-app: better-sqlite3 from the cache ($cached)"
  mkdir -p "$sqlite/build/Release"
  cp "$cached" "$sqlite/build/Release/better_sqlite3.node"
else
  (cd "$sqlite" && npm run install --loglevel=warn)
  mkdir -p /cache/native
  cp "$sqlite/build/Release/better_sqlite3.node" "$cached.tmp" && mv "$cached.tmp" "$cached"
fi
# What node-gyp leaves besides the module itself is build litter (object files, makefiles with
# the build's paths); the lockfile copy npm keeps in node_modules is not needed either.
find "$sqlite/build" -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
find "$sqlite/build/Release" -mindepth 1 ! -name better_sqlite3.node -exec rm -rf {} +
rm -rf "$sqlite/deps" "$sqlite/src" node_modules/.package-lock.json
node -e "require('./$sqlite')(':memory:').prepare('select 1').get()" \
  || { echo "better-sqlite3 does not load with trixie's node" >&2; exit 1; }

# 3. The image's entry: the application bundled into one file (dist/bundle/mailroom.js, esbuild
# from the compile step's devDependencies) started by dist/bundle/start.js with a V8 code cache.
# Debian's node compiles every module of every start (no code cache, no startup snapshot); under
# software emulation resolving, reading and compiling ~900 files was most of the mail daemon's
# start. dist/ stays beside it (bin/mailroom.js, which the helper's unit runs, loads it).
mkdir -p dist/bundle
node /src/image/lib/bundle-app.mjs "$W/compile" "$W/out/dist/bundle"
node dist/bundle/start.js help >/dev/null || { echo "build-app: the bundle does not start" >&2; exit 1; }
# The mail unit's bundle (serve.js) and the verifier it loads on demand (mailauth.js).
node dist/bundle/start-serve.js help >/dev/null || { echo "build-app: the serve bundle does not start" >&2; exit 1; }
node -e "if (typeof require('./dist/bundle/mailauth.js').authenticate !== 'function') process.exit(1)" \
  || { echo "build-app: dist/bundle/mailauth.js does not load" >&2; exit 1; }
# The caches are made by running `mailroom serve` on loopback (see make-code-cache.cjs).
node /src/image/lib/make-code-cache.cjs "$W/out/dist/bundle"
node /src/image/lib/make-code-cache.cjs "$W/out/dist/bundle" start-serve.js
echo "app built: $(du -sh "$W/out" | cut -f1)"
