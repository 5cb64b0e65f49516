#!/usr/bin/env bash
# Builds the embedded database (FerretDB v1, SQLite backend) from the Go module proxy.
# Idempotent: does nothing when the binary is already built. See docs/adr/0002-embedded-ferretdb.md.
set -euo pipefail

BIN_DIR="${HELPDESK_TOOLS_DIR:-$HOME/.cache/helpdesk-runner}"
# v1.24.1 is the target; the proxy refuses it here, so the first version that downloads wins.
VERSIONS="${FERRETDB_VERSIONS:-v1.24.1 v1.24.2 v1.24.0}"
MODULE="github.com/FerretDB/FerretDB"

for version in $VERSIONS; do
  if [ -x "$BIN_DIR/ferretdb-$version/ferretdb" ]; then
    ln -sfn "ferretdb-$version/ferretdb" "$BIN_DIR/ferretdb"
    exit 0
  fi
done

if ! command -v go >/dev/null 2>&1; then
  echo "install-ferretdb: Go is required to build the embedded database (FerretDB); install Go >= 1.22 or set MONGODB_URI" >&2
  exit 1
fi

mkdir -p "$BIN_DIR"
for version in $VERSIONS; do
  echo "install-ferretdb: downloading $MODULE@$version" >&2
  if ! dir=$(go mod download -json "$MODULE@$version" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || [ -z "$dir" ]; then
    echo "install-ferretdb: $MODULE@$version is not available from the module proxy, trying the next version" >&2
    continue
  fi
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
  cp -r "$dir/." "$work/"
  chmod -R u+w "$work"
  # The module zip lacks the version file FerretDB normally generates from git.
  echo "$version" > "$work/build/version/version.txt"
  echo "install-ferretdb: building FerretDB $version (about 2 minutes on 2 cores)" >&2
  (cd "$work" && go build -trimpath -o "$BIN_DIR/ferretdb-$version/ferretdb" ./cmd/ferretdb)
  ln -sfn "ferretdb-$version/ferretdb" "$BIN_DIR/ferretdb"
  echo "install-ferretdb: installed $BIN_DIR/ferretdb ($version)" >&2
  exit 0
done

echo "install-ferretdb: no FerretDB version from [$VERSIONS] could be downloaded; set MONGODB_URI to use an existing MongoDB" >&2
exit 1
