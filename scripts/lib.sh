# Shared by scripts/serve and scripts/test: system packages, the virtualenv, PostgreSQL.
# shellcheck shell=bash

PYTHON=${PYTHON:-python3}
VENV=.venv

say() { printf "==> [%d s] %s\n" "$SECONDS" "$*"; }

# Debian packages the app needs: Pango for WeasyPrint, Liberation fonts (metric-compatible
# with Arial) so PDFs need nothing from the network.
RUNTIME_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2)
# Only the tests need these: Chromium for the browser tests (Playwright drives Debian's
# build; it downloads no browser of its own), poppler-utils (pdftoppm saves a page of the PDF
# meeting pack as a PNG to look at), and a real PostgreSQL server for the second run.
TEST_PACKAGES=(chromium poppler-utils)
POSTGRES_PACKAGES=(postgresql)

ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    say "Please install these system packages: ${missing[*]}"; return 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_python() {
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    say "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))."; return 1; }
  "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || ensure_debian_packages python3-venv
}

# ensure_venv [extra]: a virtualenv with the project installed; reinstalls only when
# pyproject.toml changes, so a second run starts in seconds.
ensure_venv() {
  local extra=${1:-} stamp
  ensure_python
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)${extra:+-$extra}"
  if [ ! -e "$stamp" ]; then
    say "Installing Python packages into $VENV"
    # Quiet unless it fails: setuptools is chatty about editable installs.
    if ! { "$VENV/bin/python" -m pip install -q --upgrade pip &&
           "$VENV/bin/python" -m pip install -q -e ".${extra:+[$extra]}"; } >"$VENV/pip.log" 2>&1; then
      cat "$VENV/pip.log"; return 1
    fi
    touch "$stamp"
  fi
}

# ensure_assets: GOV.UK Frontend compiled with Arial, from the pinned npm packages.
ensure_assets() {
  command -v npm >/dev/null || ensure_debian_packages nodejs npm
  local stamp
  stamp="node_modules/.installed-$(sha1sum package-lock.json | cut -c1-12)"
  if [ ! -e "$stamp" ]; then
    say "Installing front-end packages"
    npm ci --no-audit --no-fund --loglevel=error
    touch "$stamp"
  fi
  npm run -s build
}

# start_postgres: a throwaway PostgreSQL cluster on a free local port; sets DATABASE_URL.
start_postgres() {
  local bin port
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] || { say "PostgreSQL is not installed"; return 1; }
  PG_DIR=$(mktemp -d /tmp/mscp-pg.XXXXXX)
  port=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local run=()
  if [ "$(id -u)" -eq 0 ]; then  # initdb refuses to run as root
    chown postgres:postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # No autovacuum on this throwaway cluster: a worker it starts in a freshly restored database
  # belongs to no role, and the app role may not end it, so dropping that database failed.
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c autovacuum=off" \
    start >/dev/null
  PG_BIN=$bin
  PG_RUN=("${run[@]}")
  psql -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" \
    -c "CREATE DATABASE app OWNER app"
  export DATABASE_URL="postgres://app:app@127.0.0.1:$port/app"
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
