"""The version of a guichet's data, and the answers kept in the cache under it.

**The version.** PostgreSQL notes every statement that writes a guichet's rows: after each INSERT, UPDATE or DELETE
on a table with a ``guichet_id`` (every tenant table, found like the row-level security's, so a new table is covered
without anyone remembering to), a statement-level trigger adds one row per guichet touched to ``guichet_ecriture``
(migration 0012). The database itself does it, so no write escapes: a service, a factory in a test, the engine's
COPY, a data migration or an administrator's SQL. Renaming a guichet notes that guichet; a TRUNCATE, or a change of
a user's name (shown on every page), notes a row for every guichet. :func:`version` reads, in one indexed query, the
count, the sum of the ids and the latest date of the guichet's rows: it changes at every commit that wrote, in
whatever order concurrent transactions commit, and it is read before the data, so a page computed while a write
commits may be newer than its key, never older.

**What is kept under it.** The dashboards' figures (``reporting.indicateurs.memoriser``) and whole answers of the
pages and API lists that only read (:func:`servir`): a second visit with nothing written in between costs a few
indexed queries instead of the lists' SQL and their rendering (issue 8, p95 under 150 ms). A key holds the guichet,
the member (so the role and its restrictions), the address, the day (hours due in force, deadlines), the version,
and for pages the session and its CSRF secret (the page embeds a token made from it). Not kept: answers other than
200, pages with a message to show, streamed answers, the browsable API. An answer whose computation writes (a list
that logs each read of personal data in the access journal) is never served again: its own write changed the
version its key holds, so every visit computes it, and logs. The entries are encrypted (they hold names
of beneficiaries on some lists: a copy of the Redis memory or its snapshot on disk reveals nothing without
``SECRET_KEY``) and last ``PAGES_CACHE_SECONDES`` (600 by default; 0 turns this cache off).
"""

import hashlib
import logging

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, connections
from django.http import HttpResponse
from django.utils import timezone

from .chiffrement import fernet

logger = logging.getLogger(__name__)

TABLE = "guichet_ecriture"
DECLENCHEURS = {
    # name: (event, transition table, function)
    "ecritures_ajout": ("INSERT", "NEW TABLE AS lignes", "ecritures_noter"),
    "ecritures_modif": ("UPDATE", "NEW TABLE AS lignes", "ecritures_noter"),
    "ecritures_suppr": ("DELETE", "OLD TABLE AS lignes", "ecritures_noter"),
    "ecritures_vidage": ("TRUNCATE", None, "ecritures_noter_tout"),
}
# Tables without a guichet_id whose changes show on a guichet's pages: the guichet itself (its name, its state),
# and the users' names.
AUTRES = {
    "guichet_guichet": {
        "ecritures_ajout": ("INSERT", "NEW TABLE AS lignes", "ecritures_noter_guichet"),
        "ecritures_modif": ("UPDATE", "NEW TABLE AS lignes", "ecritures_noter_guichet"),
        "ecritures_suppr": ("DELETE", "OLD TABLE AS lignes", "ecritures_noter_guichet"),
    },
    "guichet_utilisateur": {"ecritures_nom": ("UPDATE OF nom, prenom, email", None, "ecritures_noter_tout")},
}


def declencheurs_voulus():
    """``{table: {trigger: (event, transition, function)}}``: every table of a guichet's rows, and the others."""
    from .rls import tables_protegees

    voulus = {table: DECLENCHEURS for table in tables_protegees() if table != TABLE}
    return {**voulus, **AUTRES}


def installer_declencheurs(using="default", **kwargs):
    """``post_migrate`` (after ``migrate`` and ``flush``, as the owner): the triggers that note the writes, on every
    table that lacks them (one catalogue query when all are in place, as after each test's flush)."""
    voulus = declencheurs_voulus()
    connexion = connections[using]
    with connexion.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, t.tgname FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relname = ANY(%s) AND t.tgname LIKE 'ecritures\\_%%'
            """,
            [list(voulus)],
        )
        presents = set(cursor.fetchall())
        cursor.execute("SELECT to_regprocedure('ecritures_noter()') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return  # migrating backwards past 0012: no function to call
        for table, declencheurs in voulus.items():
            for nom, (evenement, transition, fonction) in declencheurs.items():
                if (table, nom) in presents:
                    continue
                referencing = f" REFERENCING {transition}" if transition else ""
                cursor.execute(
                    f"CREATE TRIGGER {nom} AFTER {evenement} ON {connexion.ops.quote_name(table)}{referencing} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {fonction}()"
                )


def version(guichet_id) -> str:
    """The version of the guichet's data (see the module's doc): one query on one index."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version_des_donnees(%s)", [guichet_id])
        return cursor.fetchone()[0]


def compacter() -> int:
    """Keep the latest row of each guichet (the versions change once more: every kept entry is recomputed once)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ecritures_compacter()")
        return cursor.fetchone()[0]


# --- Answers kept in the cache -------------------------------------------------------------------------------------


def cle_page(request):
    """The parts of a page's key proper to the visitor's browser: its session and CSRF secret (None: not kept)."""
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    session = request.session.session_key
    if not secret or not session:
        return None
    return ("page", session, secret, request.headers.get("HX-Request"), request.headers.get("HX-Target"))


def servir(request, calculer, *, variante):
    """The answer of ``calculer()`` (a 200 is kept, encrypted, for the next identical request of the same member
    while the guichet's data do not change), or the one kept. ``variante``: what else tells answers apart (a tuple;
    None: not kept for this request)."""
    duree = settings.PAGES_CACHE_SECONDES
    if not duree or variante is None or request.method != "GET" or len(get_messages(request)):
        return _rendre(calculer())
    guichet, membre = request.guichet, request.membre
    parties = (guichet.pk, membre.pk, timezone.localdate(), version(guichet.pk), *variante, request.get_full_path())
    # Hashed: the key holds the session's key, which must not be readable in Redis (it would open the session).
    cle = "reponse:" + hashlib.sha256(repr(parties).encode()).hexdigest()
    chiffre = fernet("guichet.versions", "reponses")
    gardee = cache.get(cle)
    if gardee is not None:
        entetes, contenu = gardee
        try:
            return HttpResponse(chiffre.decrypt(contenu), headers=entetes)
        except InvalidToken:  # SECRET_KEY changed without a fallback: computed afresh
            logger.info("Réponse en cache illisible (clé changée) : recalculée.")
    reponse = _rendre(calculer())
    if reponse.status_code == 200 and not reponse.streaming and not reponse.cookies:
        cache.set(cle, (dict(reponse.headers), chiffre.encrypt(reponse.content)), duree)
    return reponse


def _rendre(reponse):
    if hasattr(reponse, "render") and not getattr(reponse, "is_rendered", True):
        reponse.render()
    return reponse
