#!/bin/sh
# Rebuild ../assets/vendor/crypto.js and ../assets/vendor/LICENSES.txt from the
# versions pinned in package-lock.json. Run it after changing package.json (then
# `npm install --package-lock-only` first) and commit both outputs.
# The bundle is deterministic: the same lock file gives the same bytes.
set -eu
cd "$(dirname "$0")"
out=../assets/vendor
mkdir -p "$out"

# --ignore-scripts: esbuild's postinstall only checks its platform binary,
# which the lock file's optional @esbuild/* package already provides.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# One IIFE, minified, no source map, no comments (the licences are in
# LICENSES.txt), no absolute paths: nothing in it depends on the machine.
./node_modules/.bin/esbuild entry.js \
  --bundle --format=iife --platform=browser --target=es2020 \
  --minify --legal-comments=none --charset=utf8 \
  --log-level=warning \
  --outfile="$out/crypto.js"

# The licence of every package in the bundle (the three libraries and what
# they pull in), with its name and version, in a fixed order.
{
  echo "Third-party software in crypto.js, bundled by templates/site/vendor/refresh.sh."
  for pkg in pkijs asn1js fflate @peculiar/utils @noble/hashes bytestreamjs; do
    dir=node_modules/$pkg
    ver=$(node -p "require('./$dir/package.json').version")
    lic=$(node -p "require('./$dir/package.json').license")
    echo
    echo "================================================================"
    echo "$pkg $ver ($lic)"
    echo "================================================================"
    cat "$dir"/LICENSE*
  done
} > "$out/LICENSES.txt"

sha256sum "$out/crypto.js" "$out/LICENSES.txt"
