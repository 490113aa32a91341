#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster on a free loopback port.
# The cluster lives in a temporary directory and is stopped and removed afterwards.
# As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

find_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then pg_config --bindir; return; fi
  for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && { echo "$d"; return; }; done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return; }
  return 1
}

bindir=$(find_bindir || true)
if [[ -z "$bindir" ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "PostgreSQL not found: installing Debian's postgresql package" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bindir=$(find_bindir)
  elif [[ "${CI:-}" == "true" ]]; then
    echo "PostgreSQL is required in CI but initdb was not found" >&2; exit 1
  else
    echo "PostgreSQL not installed: skipping the PostgreSQL run (install Debian's postgresql to enable it)" >&2
    exit 0
  fi
fi

workdir=$(mktemp -d /tmp/huikuan-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres: "$workdir"
  as_pg=(runuser -u postgres --)
fi

cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

"${as_pg[@]}" "$bindir/initdb" -D "$workdir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2

export HUIKUAN_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/huikuan"
export HUIKUAN_PG_BINDIR="$bindir" HUIKUAN_PG_DATADIR="$workdir/data"
"$@"
