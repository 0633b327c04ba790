"""The permission matrix: (url, method) × role → expected status, for every named URL of the site.

Roles: ``anonyme`` (signed out), ``etranger`` (admin of the *other* guichet), then the five roles of
guichet A. A URL added without its rows here makes ``test_every_named_url_is_in_the_matrix`` fail.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from guichet.enums import Role
from guichet.models import Tache

from ..factories import MOT_DE_PASSE

COLONNES = ["anonyme", "etranger", "admin", "facilitateur", "lecteur", "acheteur", "entreprise"]


@dataclass
class Cas:
    name: str
    method: str
    statuses: list  # in the order of COLONNES
    kwargs: Callable = lambda ctx: {}
    data: Callable = lambda ctx: None
    api: bool = False


def _page(ctx, **kw):
    return {"guichet_slug": ctx.a.slug, **kw}


def _tache(ctx):
    with ctx.a.scope():
        tache = Tache.objects.create(
            guichet=ctx.a.guichet,
            type="test",
            libelle="Test",
            cree_par=ctx.a.membres["admin"].utilisateur,
            etat="termine",
        )
        tache.fichier.save("test.csv", ContentFile(b"a;b\n"), save=True)
    return tache


def _cible(ctx):
    return ctx.a.membres[Role.LECTEUR].pk


def _invitation(ctx):
    return {"email": "nouveau@exemple.fr", "role": Role.LECTEUR}


def _parametres_form(ctx):
    from guichet.forms import ParametresForm
    from guichet.selectors import parametres_of

    with ctx.a.scope():
        form = ParametresForm(instance=parametres_of(guichet=ctx.a.guichet))
        data = {}
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = value
        return data


R, N, F, D = 302, 404, 403, 200
PAGE_ADMIN = [R, N, D, F, F, F, F]
API_ADMIN = [401, N, D, F, F, F, F]
TOUS = [D] * 7

MATRICE = [
    # Site and accounts (no guichet in the URL)
    Cas("accueil", "GET", [R] * 7),
    Cas("connexion", "GET", [D] + [R] * 6),
    Cas("deconnexion", "POST", [R] * 7),
    Cas("mot_de_passe_oubli", "GET", TOUS),
    Cas("mot_de_passe_envoye", "GET", TOUS),
    Cas("mot_de_passe_nouveau", "GET", TOUS, kwargs=lambda ctx: {"uidb64": "MQ", "token": "invalide"}),
    Cas("mot_de_passe_termine", "GET", TOUS),
    Cas("invitation", "GET", TOUS, kwargs=lambda ctx: {"uidb64": "MQ", "token": "invalide"}),
    Cas("mes_guichets", "GET", [R] * 7),
    # Pages of guichet A
    Cas("guichet_accueil", "GET", [R, N, D, D, D, D, D], kwargs=_page),
    Cas("membres", "GET", PAGE_ADMIN, kwargs=_page),
    Cas("membres", "POST", [R, N, R, F, F, F, F], kwargs=_page, data=_invitation),
    Cas("membre_modifier", "GET", PAGE_ADMIN, kwargs=lambda ctx: _page(ctx, pk=_cible(ctx))),
    Cas(
        "membre_modifier",
        "POST",
        [R, N, R, F, F, F, F],
        kwargs=lambda ctx: _page(ctx, pk=_cible(ctx)),
        data=lambda ctx: {"role": Role.FACILITATEUR},
    ),
    Cas(
        "membre_activation",
        "POST",
        [R, N, R, F, F, F, F],
        kwargs=lambda ctx: _page(ctx, pk=_cible(ctx)),
        data=lambda ctx: {"actif": "0"},
    ),
    Cas("parametres", "GET", PAGE_ADMIN, kwargs=_page),
    Cas("parametres", "POST", [R, N, R, F, F, F, F], kwargs=_page, data=_parametres_form),
    Cas("journal", "GET", PAGE_ADMIN, kwargs=_page),
    Cas("journal_exporter", "POST", [R, N, R, F, F, F, F], kwargs=_page),
    # A task started by the admin: admins and facilitators follow every task, others only their own.
    Cas("tache", "GET", [R, N, D, D, N, N, N], kwargs=lambda ctx: _page(ctx, pk=_tache(ctx).pk)),
    Cas("tache_telecharger", "GET", [R, N, D, D, N, N, N], kwargs=lambda ctx: _page(ctx, pk=_tache(ctx).pk)),
    # API
    Cas(
        "api:token",
        "POST",
        [D] * 7,
        api=True,
        data=lambda ctx: {"email": ctx.a.membres["admin"].utilisateur.email, "password": MOT_DE_PASSE},
    ),
    Cas("api:schema", "GET", TOUS, api=True),
    Cas("api:docs", "GET", TOUS, api=True),
    Cas("api:parametres", "GET", API_ADMIN, kwargs=_page, api=True),
    Cas("api:parametres", "PATCH", API_ADMIN, kwargs=_page, api=True, data=lambda ctx: {"heures_etp": "1600"}),
    Cas("api:membre-list", "GET", API_ADMIN, kwargs=_page, api=True),
    Cas("api:membre-list", "POST", [401, N, 201, F, F, F, F], kwargs=_page, api=True, data=_invitation),
    Cas("api:membre-detail", "GET", API_ADMIN, kwargs=lambda ctx: _page(ctx, pk=_cible(ctx)), api=True),
    Cas(
        "api:membre-detail",
        "PATCH",
        API_ADMIN,
        kwargs=lambda ctx: _page(ctx, pk=_cible(ctx)),
        api=True,
        data=lambda ctx: {"role": Role.FACILITATEUR},
    ),
    Cas(
        "api:membre-detail",
        "DELETE",
        [401, N, 204, F, F, F, F],
        kwargs=lambda ctx: _page(ctx, pk=_cible(ctx)),
        api=True,
    ),
    Cas("api:tache-detail", "GET", [401, N, D, D, N, N, N], kwargs=lambda ctx: _page(ctx, pk=_tache(ctx).pk), api=True),
    Cas(
        "api:tache-telecharger",
        "GET",
        [401, N, D, D, N, N, N],
        api=True,
        kwargs=lambda ctx: _page(ctx, pk=_tache(ctx).pk),
    ),
    Cas("api:journal-list", "GET", API_ADMIN, kwargs=_page, api=True),
    Cas("api:journal-exporter", "POST", [401, N, 202, F, F, F, F], kwargs=_page, api=True),
]

CASES = [(cas, role, status) for cas in MATRICE for role, status in zip(COLONNES, cas.statuses, strict=True)]


@dataclass
class Contexte:
    a: object
    b: object


def _named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_urls(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_named_url_is_in_the_matrix():
    missing = set(_named_urls()) - {cas.name for cas in MATRICE}
    assert not missing, f"URLs sans ligne dans la matrice des permissions : {sorted(missing)}"


def test_the_matrix_has_a_column_for_every_role():
    assert set(COLONNES) == {"anonyme", "etranger", *Role.values}


@pytest.mark.parametrize(("cas", "role", "expected"), CASES, ids=[f"{c.method}-{c.name}-{r}" for c, r, _ in CASES])
def test_permission_matrix(cas, role, expected, client, deux_guichets):
    a, b = deux_guichets
    ctx = Contexte(a, b)
    if role == "etranger":
        client.force_login(b.membres[Role.ADMIN].utilisateur)
    elif role != "anonyme":
        client.force_login(a.membres[role].utilisateur)
    url = reverse(cas.name, kwargs=cas.kwargs(ctx) or None)
    data = cas.data(ctx)
    send = getattr(client, cas.method.lower())
    if cas.api and cas.method in {"POST", "PATCH", "PUT"}:
        response = send(url, data=data or {}, content_type="application/json")
    elif cas.method == "POST":
        response = send(url, data=data or {})
    else:
        response = send(url)
    assert response.status_code == expected, (role, cas.name, cas.method, response.content[:300])
