#!/usr/bin/env bash
# Sauvegarde et restauration de la base PostgreSQL (docs/sauvegarde.md).
#
#   scripts/sauvegarde.sh sauvegarder [FICHIER]       pg_dump au format « custom » de $DATABASE_URL
#                                                      (défaut : sauvegardes/clauses-AAAA-MM-JJ-HHMMSS.dump)
#   scripts/sauvegarde.sh restaurer FICHIER NOUVELLE_BASE
#                                                      crée NOUVELLE_BASE sur le même serveur et y restaure FICHIER,
#                                                      en une transaction (tout ou rien) ; la base d'origine n'est
#                                                      pas touchée
#   scripts/sauvegarde.sh comparer NOUVELLE_BASE       nombre de lignes de chaque table : $DATABASE_URL et NOUVELLE_BASE
#
# DATABASE_URL désigne la base (postgres://utilisateur:motdepasse@hôte:port/base). pg_dump et pg_restore doivent être
# d'une version majeure au moins égale à celle du serveur (pg_dump refuse un serveur plus récent que lui) : le script
# prend ceux de /usr/lib/postgresql/<version du serveur>/bin s'ils existent (paquet Debian postgresql-client-<N>),
# sinon ceux du PATH, et s'arrête avec un message clair s'ils sont trop anciens.
# SANS_PROPRIETAIRES=1 restaure sans les propriétaires ni les droits d'origine (autre serveur, autres rôles).
set -euo pipefail

die() {
    printf 'sauvegarde.sh : %s\n' "$*" >&2
    exit 1
}

case "${1:-}" in
sauvegarder | restaurer | comparer) ;;
*)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
[[ -n "${DATABASE_URL:-}" ]] || die "DATABASE_URL n'est pas définie."
command -v psql >/dev/null || die "psql est introuvable : installez le paquet Debian postgresql-client."

# The URL of another database on the same server: same user, password, host, port and options.
url_de() {
    local base="${DATABASE_URL%%\?*}"
    local options="${DATABASE_URL:${#base}}"
    printf '%s/%s%s' "${base%/*}" "$1" "$options"
}

# pg_dump / pg_restore of a major version >= the server's.
outil() {
    local nom="$1" serveur client chemin
    serveur="$(psql "$DATABASE_URL" -XAtc 'SHOW server_version_num')"
    serveur=$((serveur / 10000))
    if [[ -x "/usr/lib/postgresql/$serveur/bin/$nom" ]]; then
        chemin="/usr/lib/postgresql/$serveur/bin/$nom"
    else
        chemin="$(command -v "$nom")" || die "$nom est introuvable : installez postgresql-client-$serveur."
    fi
    client="$("$chemin" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')"
    ((client >= serveur)) || die "$nom $client est plus ancien que le serveur PostgreSQL $serveur : installez postgresql-client-$serveur."
    printf '%s' "$chemin"
}

compter() {
    # One count per table of the application's schema, "table nombre" per line, sorted.
    psql "$1" -XAt -F ' ' <<'SQL'
SELECT format('SELECT %L, count(*) FROM %I.%I;', table_name, table_schema, table_name)
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name
\gexec
SQL
}

case "${1:-}" in
sauvegarder)
    fichier="${2:-sauvegardes/clauses-$(date +%F-%H%M%S).dump}"
    mkdir -p "$(dirname "$fichier")"
    # Custom format: compressed, restorable table by table, and read by pg_restore only. pg_dump takes a consistent
    # snapshot (one repeatable-read transaction): the application may keep running.
    "$(outil pg_dump)" --format=custom --file="$fichier" --dbname="$DATABASE_URL"
    chmod 600 "$fichier" # personal data of beneficiaries: readable by this account only
    printf '%s\n' "$fichier"
    ;;
restaurer)
    fichier="${2:-}" nouvelle="${3:-}"
    [[ -f "$fichier" && -n "$nouvelle" ]] || die "usage : $0 restaurer FICHIER NOUVELLE_BASE"
    [[ "$nouvelle" =~ ^[a-z_][a-z0-9_]*$ ]] || die "nom de base invalide : $nouvelle (minuscules, chiffres, _)."
    restore="$(outil pg_restore)"
    options=(--exit-on-error --single-transaction)
    [[ "${SANS_PROPRIETAIRES:-}" == 1 ]] && options+=(--no-owner --no-privileges)
    psql "$DATABASE_URL" -XqAtc "CREATE DATABASE \"$nouvelle\"" || die "impossible de créer la base $nouvelle (existe-t-elle déjà ?)."
    if ! "$restore" "${options[@]}" --dbname="$(url_de "$nouvelle")" "$fichier"; then
        die "restauration échouée ; la base $nouvelle est vide ou incomplète : supprimez-la (DROP DATABASE \"$nouvelle\")."
    fi
    printf 'Base %s restaurée depuis %s.\n' "$nouvelle" "$fichier"
    ;;
comparer)
    nouvelle="${2:-}"
    [[ -n "$nouvelle" ]] || die "usage : $0 comparer NOUVELLE_BASE"
    if diff <(compter "$DATABASE_URL") <(compter "$(url_de "$nouvelle")"); then
        printf 'Mêmes nombres de lignes dans les %s tables.\n' "$(compter "$DATABASE_URL" | wc -l)"
    else
        die "les nombres de lignes diffèrent (ci-dessus : < origine, > restauration)."
    fi
    ;;
esac
