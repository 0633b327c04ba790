"""Charge : les tableaux de bord de chaque rôle, les pages de liste et les listes de l'API sous 16 connexions
simultanées, servis par gunicorn sur la boucle locale, à côté d'une vue triviale (``/__plancher__/``, même
gunicorn, mêmes intergiciels) qui donne le plancher. Imprime pour chaque adresse les requêtes par seconde, les
médianes (sur ``--repetitions`` passes) de la latence p50 et p95, le rapport au plancher et les erreurs
(réponse autre que 200). Cible de l'issue : p95 < 150 ms.

Le générateur de charge est ``wrk``, sinon ``hey`` s'ils sont installés ; sinon un petit client asynchrone en
Python (asyncio, une connexion par requête comme avec les travailleurs ``sync`` de gunicorn).

La base est au choix (``--base`` ou ``BENCH_DATABASE_URL``, par défaut ``clauses_bench``, celle des jeux de
``bench/donnees.py``) ; le guichet aussi (``--guichet`` ; par défaut celui qui a le plus de lots). Le script y
crée au besoin un membre par rôle (``charge-<rôle>@bench.invalid``, l'acheteur qui a le plus de marchés,
l'entreprise qui a le plus d'attributions), leur session et leur jeton : à ne lancer que sur une base de mesure.
Exemples ::

    .venv/bin/python bench/charge.py                                  # clauses_bench, le plus gros guichet
    .venv/bin/python bench/charge.py --base postgres://postgres@127.0.0.1:5432/clauses_sociales --guichet plie-metropole
    .venv/bin/python bench/charge.py --duree 20 --repetitions 5 --workers 5
    .venv/bin/python bench/charge.py --melange --connexions 50 --duree 60    # 50 utilisateurs, pages et API mêlées
"""

import argparse
import asyncio
import math
import os
import secrets
import shutil
import socket
import statistics
import string
import subprocess
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clauses_bench")
ROLES = ["facilitateur", "lecteur", "acheteur", "entreprise"]
CIBLE_P95_MS = 150


def preparer_django(base):
    """Django on ``base``; ``False`` when that database does not exist (nothing to measure)."""
    import psycopg

    try:
        psycopg.connect(base).close()
    except psycopg.OperationalError as erreur:
        print(f"charge.py : base {base} injoignable ({erreur}) : lancez bench/donnees.py ou indiquez --base.")
        return False
    os.environ["DATABASE_URL"] = base
    os.environ["DJANGO_SETTINGS_MODULE"] = "guichet.settings"
    sys.path.insert(0, str(RACINE))
    import django

    django.setup()
    return True


def choisir_guichet(slug):
    from django.db.models import Count
    from django_scopes import scopes_disabled

    from guichet.models import Guichet

    with scopes_disabled():
        guichets = Guichet.objects.filter(actif=True)
        if slug:
            return guichets.get(slug=slug)
        from marches.models import Lot

        plus_gros = Lot.objects.values("guichet").annotate(n=Count("pk")).order_by("-n").first()
        if plus_gros is None:
            raise SystemExit("charge.py : aucun lot dans cette base : lancez bench/donnees.py ou manage.py seed_demo.")
        return guichets.get(pk=plus_gros["guichet"])


def comptes(guichet):
    """A member per role (created once), its session cookie and its API token: ``{role: {"Cookie": …}}``."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count
    from django.utils.crypto import get_random_string
    from django.utils.timezone import now
    from rest_framework.authtoken.models import Token

    from acheteurs.models import Acheteur
    from entreprises.models import Entreprise
    from guichet import deux_facteurs
    from guichet.deux_facteurs import SESSION_VERIFIEE
    from guichet.middleware import SessionExpirationMiddleware
    from guichet.models import DeuxFacteurs, Membre, Utilisateur
    from guichet.tenancy import guichet_scope

    entetes = {}
    with guichet_scope(guichet.pk):
        acheteur = Acheteur.objects.annotate(n=Count("marches")).order_by("-n", "pk").first()
        entreprise = Entreprise.objects.annotate(n=Count("attributions")).order_by("-n", "pk").first()
        for role in ROLES:
            utilisateur, _ = Utilisateur.objects.get_or_create(email=f"charge-{role}@bench.invalid")
            Membre.objects.get_or_create(
                guichet=guichet,
                utilisateur=utilisateur,
                defaults={
                    "role": role,
                    "acheteur": acheteur if role == "acheteur" else None,
                    "entreprise": entreprise if role == "entreprise" else None,
                },
            )
            session = import_module(settings.SESSION_ENGINE).SessionStore()
            session[SESSION_KEY] = str(utilisateur.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = utilisateur.get_session_auth_hash()
            # Signed in as after the code step (guichet.deux_facteurs), activity now: no redirect to the code page.
            session[SESSION_VERIFIEE] = True
            session[SessionExpirationMiddleware.DEBUT] = session[SessionExpirationMiddleware.ACTIVITE] = time.time()
            session.create()
            if role in deux_facteurs.ROLES_REQUIS:  # its token is accepted once a second factor is set up
                DeuxFacteurs.objects.get_or_create(
                    utilisateur=utilisateur,
                    defaults={"secret_chiffre": deux_facteurs.chiffrer(secrets.token_hex(10)), "confirme_le": now()},
                )
            jeton, _ = Token.objects.get_or_create(user=utilisateur)
            # A browser's cookies after its first page: the session and the CSRF secret (pages are kept in the cache
            # per session and secret, guichet/versions.py).
            secret_csrf = get_random_string(32, string.ascii_letters + string.digits)  # Django's format of the secret
            cookies = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={secret_csrf}"
            entetes[role] = {"Cookie": cookies}
            entetes[f"api-{role}"] = {"Authorization": f"Token {jeton.key}"}
    return entetes


def annee_la_plus_remplie(guichet):
    from django.db.models import Count
    from django.db.models.functions import ExtractYear
    from django.utils import timezone

    from entreprises.models import Allocation
    from guichet.tenancy import guichet_scope

    with guichet_scope(guichet.pk):
        annee = (
            Allocation.objects.annotate(a=ExtractYear("debut"))
            .values("a")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("a", flat=True)
            .first()
        )
    return annee or timezone.localdate().year


def cibles(slug, annee):
    """(name, path, who): the floor, each role's dashboard, the main list pages, the API's lists and figures."""
    page, api = f"/{slug}/", f"/api/v1/guichets/{slug}/"
    return [
        ("plancher (vue triviale)", "/__plancher__/", None),
        *[(f"tableau de bord {role}", f"{page}?annee={annee}", role) for role in ROLES],
        *[
            (f"page {nom}", f"{page}{nom}/", "facilitateur")
            for nom in ("marches", "entreprises", "acheteurs", "beneficiaires", "contrats", "conventions")
        ],
        ("API indicateurs", f"{api}indicateurs/?annee={annee}", "api-facilitateur"),
        ("API indicateurs (acheteur)", f"{api}indicateurs/?annee={annee}", "api-acheteur"),
        *[
            (f"API {nom}", f"{api}{nom}/", "api-facilitateur")
            for nom in ("marches", "lots", "entreprises", "contrats", "beneficiaires")
        ],
    ]


# --- Load generators -----------------------------------------------------------------------------------------------


async def _une_requete(port, chemin, entetes):
    """One GET on a new connection: (status, seconds). Reads the whole body (Content-Length, chunked or close)."""
    debut = time.perf_counter()
    lecteur, ecrivain = await asyncio.open_connection("127.0.0.1", port)
    try:
        lignes = [
            f"GET {chemin} HTTP/1.1",
            "Host: 127.0.0.1",
            "Connection: close",
            *(f"{k}: {v}" for k, v in entetes.items()),
        ]
        ecrivain.write(("\r\n".join(lignes) + "\r\n\r\n").encode("latin-1"))
        await ecrivain.drain()
        statut = int((await lecteur.readline()).split()[1])
        en_tetes = {}
        while (ligne := await lecteur.readline()) not in (b"\r\n", b""):
            nom, _, valeur = ligne.decode("latin-1").partition(":")
            en_tetes[nom.strip().lower()] = valeur.strip()
        if "content-length" in en_tetes:
            await lecteur.readexactly(int(en_tetes["content-length"]))
        elif en_tetes.get("transfer-encoding") == "chunked":
            while taille := int((await lecteur.readline()).split(b";")[0], 16):
                await lecteur.readexactly(taille + 2)
            await lecteur.readline()
        else:
            await lecteur.read()
    finally:
        ecrivain.close()
    return statut, time.perf_counter() - debut


async def _charger(port, requetes, duree, connexions):
    """Each of ``connexions`` clients takes the next of ``requetes`` (``[(path, headers)]``) until ``duree`` is over:
    the latencies, and the errors (any status but 200, refused or cut connections)."""
    latences, erreurs, fin, rang = [], 0, time.perf_counter() + duree, 0

    async def client():
        nonlocal erreurs, rang
        while time.perf_counter() < fin:
            chemin, entetes = requetes[rang % len(requetes)]
            rang += 1
            try:
                statut, secondes = await _une_requete(port, chemin, entetes)
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                erreurs += 1
                continue
            latences.append(secondes)
            erreurs += statut != 200

    await asyncio.gather(*(client() for _ in range(connexions)))
    return latences, erreurs


def _centile(valeurs, q):
    ordonnees = sorted(valeurs)
    return ordonnees[max(math.ceil(q * len(ordonnees)) - 1, 0)] if ordonnees else float("nan")


def passe_python(port, chemin, entetes, duree, connexions):
    """``(req/s, p50 ms, p95 ms, errors)`` of one pass of the Python client."""
    return passe_melange_python(port, [(chemin, entetes)], duree, connexions)


def passe_hey(port, chemin, entetes, duree, connexions):
    """The same with ``hey`` (CSV output: one row per request)."""
    commande = ["hey", "-z", f"{duree}s", "-c", str(connexions), "-disable-keepalive", "-o", "csv"]
    for nom, valeur in entetes.items():
        commande += ["-H", f"{nom}: {valeur}"]
    sortie = subprocess.run([*commande, f"http://127.0.0.1:{port}{chemin}"], capture_output=True, text=True, check=True)
    lignes = [ligne.split(",") for ligne in sortie.stdout.splitlines()[1:] if ligne]
    latences = [float(ligne[0]) for ligne in lignes]
    erreurs = sum(ligne[6] != "200" for ligne in lignes)
    return len(latences) / duree, _centile(latences, 0.5) * 1000, _centile(latences, 0.95) * 1000, erreurs


LUA_WRK = """
done = function(summary, latency, requests)
  local erreurs = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format("%d %f %f %d\\n", summary.requests, latency:percentile(50), latency:percentile(95), erreurs))
end
"""


def _wrk(port, nom_script, lua, duree, connexions, chemin="/", entetes=None):
    """One ``wrk`` run with the Lua script ``lua`` (ending with ``LUA_WRK``, whose ``done`` hook prints the counts;
    latencies in µs): ``(req/s, p50 ms, p95 ms, errors)``."""
    script = Path(os.environ.get("TMPDIR", "/tmp")) / nom_script
    script.write_text(lua)
    commande = ["wrk", "-t", "2", "-c", str(connexions), "-d", f"{math.ceil(duree)}s", "-s", str(script)]
    commande += ["--timeout", "30s"]  # a slow answer is measured, not dropped (wrk's default: 2 s)
    for nom, valeur in (entetes or {}).items():
        commande += ["-H", f"{nom}: {valeur}"]
    sortie = subprocess.run([*commande, f"http://127.0.0.1:{port}{chemin}"], capture_output=True, text=True, check=True)
    requetes, p50, p95, erreurs = sortie.stdout.strip().splitlines()[-1].split()
    return int(requetes) / duree, float(p50) / 1000, float(p95) / 1000, int(erreurs)


def passe_wrk(port, chemin, entetes, duree, connexions):
    """The same with ``wrk``."""
    return _wrk(port, "charge-wrk.lua", LUA_WRK, duree, connexions, chemin, entetes)


def _lua(texte):
    return '"' + texte.replace("\\", "\\\\").replace('"', '\\"') + '"'


def passe_melange_wrk(port, requetes, duree, connexions):
    """One ``wrk`` pass whose connections take ``requetes`` (``[(path, headers)]``) in turn: a mix of users."""
    lignes = []
    for chemin, entetes in requetes:
        en_tetes = ", ".join(f"[{_lua(nom)}] = {_lua(valeur)}" for nom, valeur in entetes.items())
        lignes.append(f"  {{{_lua(chemin)}, {{{en_tetes}}}}},")
    lua = (
        "requetes = {\n" + "\n".join(lignes) + "\n}\n"
        "rang = 0\n"
        "request = function()\n"
        "  rang = rang + 1\n"
        "  local r = requetes[(rang % #requetes) + 1]\n"
        '  return wrk.format("GET", r[1], r[2])\n'
        "end\n" + LUA_WRK
    )
    return _wrk(port, "charge-melange.lua", lua, duree, connexions)


def passe_melange_python(port, requetes, duree, connexions):
    """The same with the Python client: each connection takes the next request of the list."""
    latences, erreurs = asyncio.run(_charger(port, requetes, duree, connexions))
    return len(latences) / duree, _centile(latences, 0.5) * 1000, _centile(latences, 0.95) * 1000, erreurs


def generateur():
    if shutil.which("wrk"):
        return "wrk", passe_wrk
    if shutil.which("hey"):
        return "hey", passe_hey
    return "client Python asynchrone", passe_python


# --- gunicorn ------------------------------------------------------------------------------------------------------


def port_libre():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lancer_gunicorn(base, port, workers, *, sans_cache=False):
    env = {
        **os.environ,
        **({"PAGES_CACHE_SECONDES": "0"} if sans_cache else {}),
        "DATABASE_URL": base,
        "DJANGO_SETTINGS_MODULE": "plancher.settings",
        "DJANGO_ENV": "development",
        "PYTHONPATH": f"{RACINE / 'bench'}{os.pathsep}{RACINE}",
    }
    commande = [str(RACINE / ".venv/bin/gunicorn"), "guichet.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    commande += ["--workers", str(workers), "--log-level", "warning"]
    serveur = subprocess.Popen(commande, cwd=RACINE, env=env)
    for _ in range(100):
        try:
            if asyncio.run(_une_requete(port, "/__plancher__/", {}))[0] == 200:
                return serveur
        except OSError:
            pass
        if serveur.poll() is not None:
            break
        time.sleep(0.2)
    serveur.terminate()
    raise SystemExit("gunicorn ne répond pas (voir ses messages ci-dessus).")


def melanger(port, guichet, annee, entetes, args):
    """Every user (connection) takes every page and API list of every role in turn, for ``--duree`` seconds, once:
    requests, errors (any status but 200, refused or cut connections) and the p50/p95 of all."""
    requetes = [(chemin, entetes.get(qui, {})) for _nom, chemin, qui in cibles(guichet.slug, annee) if qui]
    passe = passe_melange_wrk if shutil.which("wrk") else passe_melange_python
    passe(port, requetes, 2, args.connexions)  # warm-up
    debit, p50, p95, erreurs = passe(port, requetes, args.duree, args.connexions)
    print(
        f"Mélange de {len(requetes)} adresses (pages et API, {len(ROLES)} rôles), {args.connexions} utilisateurs "
        f"simultanés pendant {args.duree:g} s : {debit * args.duree:.0f} requêtes ({debit:.1f} req/s), "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, erreurs : {erreurs}."
    )
    print(f"Charge de la machine après la mesure : {os.getloadavg()[0]:.1f} (sur {os.cpu_count()} cœurs).")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=BENCH_DATABASE_URL, help="URL PostgreSQL de la base mesurée")
    parser.add_argument("--guichet", help="slug du guichet (par défaut : celui qui a le plus de lots)")
    parser.add_argument("--annee", type=int, help="année des tableaux de bord (par défaut : la plus remplie)")
    parser.add_argument("--duree", type=float, default=10, help="secondes par passe")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--connexions", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="travailleurs gunicorn")
    parser.add_argument("--filtre", help="ne mesurer que les adresses dont le nom contient ce texte")
    parser.add_argument(
        "--sans-cache",
        action="store_true",
        help="chaque réponse calculée (PAGES_CACHE_SECONDES=0 : aucune page ni liste gardée sous la version des "
        "données, guichet/versions.py) : le coût d'une première visite ou d'une visite après une écriture",
    )
    parser.add_argument(
        "--melange",
        action="store_true",
        help="une seule passe où chaque connexion (un utilisateur) enchaîne toutes les adresses, pages et API, "
        "de tous les rôles (avec --connexions 50 --duree 60 : la mesure de fiabilité de l'issue 10)",
    )
    args = parser.parse_args()

    if not preparer_django(args.base):
        return
    guichet = choisir_guichet(args.guichet)
    entetes = comptes(guichet)
    annee = args.annee or annee_la_plus_remplie(guichet)
    nom_generateur, passe = generateur()
    port = port_libre()
    serveur = lancer_gunicorn(args.base, port, args.workers, sans_cache=args.sans_cache)
    print(
        f"Guichet {guichet.slug}, année {annee} ; gunicorn {args.workers} travailleurs ; {args.connexions} connexions ;"
        f" réponses {'toutes calculées (--sans-cache)' if args.sans_cache else 'gardées sous la version des données'} ;"
        f" {nom_generateur} ; médianes de {args.repetitions} passes de {args.duree:g} s ;"
        f" charge de la machine avant la mesure : {os.getloadavg()[0]:.1f} (sur {os.cpu_count()} cœurs)."
    )
    if args.melange:
        try:
            melanger(port, guichet, annee, entetes, args)
        finally:
            serveur.terminate()
            serveur.wait()
        return
    print(f"{'adresse':34} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p95/plancher':>13} {'erreurs':>8}")
    plancher = None
    try:
        for nom, chemin, qui in cibles(guichet.slug, annee):
            if args.filtre and args.filtre not in nom and qui is not None:
                continue
            en_tetes = entetes.get(qui, {})
            passe(port, chemin, en_tetes, 1, args.connexions)  # warm-up: imports, caches, connections
            mesures = [passe(port, chemin, en_tetes, args.duree, args.connexions) for _ in range(args.repetitions)]
            debit, p50, p95 = (statistics.median(m[i] for m in mesures) for i in range(3))
            erreurs = sum(m[3] for m in mesures)
            plancher = plancher or p95
            cible = "" if qui is None else ("  ok" if p95 < CIBLE_P95_MS else f"  > {CIBLE_P95_MS} ms")
            print(f"{nom:34} {debit:7.1f} {p50:8.1f} {p95:8.1f} {p95 / plancher:13.1f} {erreurs:8d}{cible}", flush=True)
    finally:
        serveur.terminate()
        serveur.wait()
    print(
        f"Charge de la machine après la mesure : {os.getloadavg()[0]:.1f} (d'autres processus faussent les chiffres)."
    )


if __name__ == "__main__":
    main()
