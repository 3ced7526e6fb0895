#!/bin/sh
# Rebuild generator/site/assets/verify/vendor/jsonld-9.0.0.esm.min.js from the npm registry, reproducibly: the
# published package's own browser ES module, copied verbatim and checked against the recorded sha256.
set -eu
VERSION=9.0.0
SHA256=1878ed3ef5cb87e7514d36dbb575d5a9004fa7cb452cff4f945eb891ac87f4eb
OUT="$(cd "$(dirname "$0")/.." && pwd)/generator/site/assets/verify/vendor/jsonld-$VERSION.esm.min.js"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack "jsonld@$VERSION" --silent >/dev/null && tar -xzf "jsonld-$VERSION.tgz")
echo "$SHA256  $WORK/package/dist/jsonld.esm.min.js" | sha256sum -c -
# The file is a UMD bundle despite its name: give it a CommonJS-like scope and export that as an ES module.
{
  printf '// jsonld %s dist/jsonld.esm.min.js (a UMD bundle), wrapped as an ES module by scripts/vendor_jsonld.sh.\n' "$VERSION"
  printf 'const module = { exports: {} };\nconst exports = module.exports;\n'
  grep -v '^//# sourceMappingURL' "$WORK/package/dist/jsonld.esm.min.js"
  printf '\nexport default module.exports;\n'
} > "$OUT"
echo "wrote $OUT"
