#!/usr/bin/env bash
# `make run`: from a fresh checkout to the running application, in one command.
#
# Installs uv if missing, syncs .venv, makes sure PostgreSQL and Redis answer (scripts/services.sh),
# migrates, loads the demo data (seed_demo prints the logins), then runs a Celery worker and Celery beat
# in the background (logs in .data/logs/) and the Django dev server in the foreground.
# Ctrl-C stops all three; PostgreSQL and Redis keep running (`make stop-services` stops the embedded ones).
# PORT=8001 make run   serves on another port.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PORT="${PORT:-8000}"
PY=.venv/bin/python

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Debian packages, when apt-get and root (or sudo) are at hand; otherwise say what to install.
apt_install() {
    if command -v apt-get >/dev/null && { [[ $EUID -eq 0 ]] || command -v sudo >/dev/null; }; then
        echo "Installation des paquets Debian : $*"
        as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
            { as_root apt-get update -qq && as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
    else
        echo "Installez ces paquets Debian : $*" >&2
        return 1
    fi
}

if ! python3 -m uv --version >/dev/null 2>&1; then
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    echo "Installation de uv (pip, pour l'utilisateur)…"
    # Debian's python3 is "externally managed" (PEP 668); a --user install of this one tool is harmless.
    python3 -m pip install --user --quiet uv ||
        python3 -m pip install --user --quiet --break-system-packages uv
fi

# WeasyPrint (PDF) loads Pango at run time; the Python wheels do not ship it.
if ! python3 -c 'import ctypes.util, sys; sys.exit(ctypes.util.find_library("pango-1.0") is None)'; then
    apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core ||
        echo "Sans Pango, la génération des PDF échouera." >&2
fi

python3 -m uv sync --frozen
# shellcheck source=scripts/services.sh
source scripts/services.sh # exports DATABASE_URL and REDIS_URL

"$PY" manage.py migrate --noinput
"$PY" manage.py seed_demo

mkdir -p .data/logs
pids=()
stop_background() {
    trap - EXIT INT TERM
    ((${#pids[@]})) || return 0
    echo "Arrêt de Celery…"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # A worker finishes its running task before leaving (warm shutdown): give it 15 s, then kill.
    for _ in {1..75}; do
        kill -0 "${pids[@]}" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
}
trap stop_background EXIT
trap 'exit 130' INT TERM # exit runs the EXIT trap above

# Background jobs of a non-interactive shell ignore SIGINT: Ctrl-C reaches only runserver, and the
# trap stops these two.
.venv/bin/celery -A guichet worker -l info >.data/logs/celery-worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A guichet beat -l info --schedule .data/celerybeat-schedule >.data/logs/celery-beat.log 2>&1 &
pids+=($!)

cat <<EOF

  Application : http://127.0.0.1:$PORT/
  Identifiants de démonstration : ci-dessus (sortie de seed_demo).
  Celery (worker et beat) : journaux dans .data/logs/
  Ctrl-C arrête le serveur et Celery ; « make stop-services » arrête PostgreSQL/Redis embarqués.

EOF
"$PY" manage.py runserver "127.0.0.1:$PORT"
