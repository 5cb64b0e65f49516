#!/usr/bin/env bash
# Builds the embedded database (FerretDB v1, SQLite backend) from the Go module proxy, with one
# patch: queries on _id use the _id index (see docs/adr/0002-embedded-ferretdb.md).
# Idempotent: does nothing when the patched binary is already built.
set -euo pipefail

# Skip entirely when a real MongoDB is configured: the embedded database is then never started.
if [ -n "${MONGODB_URI:-}" ]; then
  echo "install-ferretdb: MONGODB_URI is set, the embedded database is not needed" >&2
  exit 0
fi

BIN_DIR="${HELPDESK_TOOLS_DIR:-$HOME/.cache/helpdesk-runner}"
VERSIONS="${FERRETDB_VERSIONS:-v1.24.1 v1.24.2 v1.24.0}"
MODULE="github.com/FerretDB/FerretDB"
# Bump when the patch changes, so binaries built before it are rebuilt.
PATCH_LEVEL="idindex1"

for version in $VERSIONS; do
  if [ -x "$BIN_DIR/ferretdb-$version-$PATCH_LEVEL/ferretdb" ]; then
    ln -sfn "ferretdb-$version-$PATCH_LEVEL/ferretdb" "$BIN_DIR/ferretdb"
    exit 0
  fi
done

if ! command -v go >/dev/null 2>&1; then
  echo "install-ferretdb: Go is required to build the embedded database (FerretDB); install Go >= 1.22 or set MONGODB_URI" >&2
  exit 1
fi

# FerretDB v1 creates the _id index on `_ferretdb_sjson->"_id"` but filters on
# `_ferretdb_sjson->'$._id'`; SQLite uses an expression index only for the same expression,
# so every _id lookup was a table scan. Filtering on ->'_id' matches the index; data files
# need no migration. https://github.com/FerretDB/FerretDB (internal/backends/sqlite/metadata).
patch_id_column() {
  local file="$1/internal/backends/sqlite/metadata/metadata.go"
  grep -q "IDColumn = DefaultColumn + \"->'\$._id'\"" "$file" || {
    echo "install-ferretdb: the _id column expression was not found in $file; refusing to build unpatched" >&2
    return 1
  }
  sed -i "s|IDColumn = DefaultColumn + \"->'\$._id'\"|IDColumn = DefaultColumn + \"->'_id'\"|" "$file"
}

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
  patch_id_column "$work"
  target="ferretdb-$version-$PATCH_LEVEL"
  echo "install-ferretdb: building FerretDB $version with the _id index patch (about 2 minutes on 2 cores)" >&2
  (cd "$work" && go build -trimpath -o "$BIN_DIR/$target/ferretdb" ./cmd/ferretdb)
  ln -sfn "$target/ferretdb" "$BIN_DIR/ferretdb"
  echo "install-ferretdb: installed $BIN_DIR/ferretdb ($version, $PATCH_LEVEL)" >&2
  exit 0
done

echo "install-ferretdb: no FerretDB version from [$VERSIONS] could be downloaded; set MONGODB_URI to use an existing MongoDB" >&2
exit 1
