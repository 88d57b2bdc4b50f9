# shellcheck shell=bash
# Shared settings and helpers for setup/install, setup/run, setup/test.
# Every path can be overridden from the environment; nothing here needs editing.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MTO_HOME="${MTO_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/mto-odoo}"
ODOO_SRC="${ODOO_SRC:-$MTO_HOME/odoo-19.0}"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
VENV="${MTO_VENV:-$MTO_HOME/venv}"
LOCAL="$REPO/.local"                  # per-clone state (config, logs), git-ignored
ODOO_CONF="${ODOO_CONF:-$LOCAL/odoo.conf}"
PY="$VENV/bin/python"

export PGHOST="${PGHOST:-}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-$(id -un)}"

say()  { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m!!\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "'$*' needs root: run it as root or install sudo"; fi
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env -u PGUSER -u PGHOST -u PGPASSWORD "$@"
    else sudo -u postgres env -u PGUSER -u PGHOST -u PGPASSWORD "$@"; fi
}

odoo_bin() { "$PY" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" "$@"; }

db_exists() { psql -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname='$1'" 2>/dev/null | grep -q 1; }

# Hash of the add-ons' sources: a change in any file means the cached test database is stale.
addons_hash() {
    (cd "$REPO" && find addons -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 \
        | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-12)
}
