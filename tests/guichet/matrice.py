from django.core.files.base import ContentFile

from guichet.enums import Role
from guichet.models import Tache

from ..factories import MOT_DE_PASSE
from ..permissions import API_ADMIN, PAGE_ADMIN, TOUS, Cas, D, F, N, R, dans_a


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
    # Second factor. The code step needs a password just accepted in this session: without it, back to sign-in.
    # Enrolment and the security page belong to the signed-in account, whatever its guichets.
    Cas("deux_facteurs", "GET", [R] * 7),
    Cas("deux_facteurs", "POST", [R] * 7, data=lambda ctx: {"code": "123456"}),
    Cas("deux_facteurs_activer", "GET", [R] + [D] * 6),
    Cas("deux_facteurs_activer", "POST", [R] + [400] * 6, data=lambda ctx: {"code": "pas un code"}),
    Cas("securite", "GET", [R] + [D] * 6),
    # Without an active second factor, the security page's actions lead to enrolment.
    Cas("securite", "POST", [R] * 7, data=lambda ctx: {"action": "codes", "code": "123456"}),
    # Pages of guichet A
    Cas("guichet_accueil", "GET", [R, N, D, D, D, D, D], kwargs=dans_a),
    Cas("membres", "GET", PAGE_ADMIN, kwargs=dans_a),
    Cas("membres", "POST", [R, N, R, F, F, F, F], kwargs=dans_a, data=_invitation),
    Cas("membre_modifier", "GET", PAGE_ADMIN, kwargs=lambda ctx: dans_a(ctx, pk=_cible(ctx))),
    Cas(
        "membre_modifier",
        "POST",
        [R, N, R, F, F, F, F],
        kwargs=lambda ctx: dans_a(ctx, pk=_cible(ctx)),
        data=lambda ctx: {"role": Role.FACILITATEUR},
    ),
    Cas(
        "membre_deux_facteurs_reinitialiser",
        "POST",
        [R, N, R, F, F, F, F],
        kwargs=lambda ctx: dans_a(ctx, pk=_cible(ctx)),
    ),
    Cas(
        "membre_activation",
        "POST",
        [R, N, R, F, F, F, F],
        kwargs=lambda ctx: dans_a(ctx, pk=_cible(ctx)),
        data=lambda ctx: {"actif": "0"},
    ),
    Cas("parametres", "GET", PAGE_ADMIN, kwargs=dans_a),
    Cas("parametres", "POST", [R, N, R, F, F, F, F], kwargs=dans_a, data=_parametres_form),
    Cas("journal", "GET", PAGE_ADMIN, kwargs=dans_a),
    Cas("journal_exporter", "POST", [R, N, R, F, F, F, F], kwargs=dans_a),
    # A task started by the admin: admins and facilitators follow every task, others only their own.
    Cas("tache", "GET", [R, N, D, D, N, N, N], kwargs=lambda ctx: dans_a(ctx, pk=_tache(ctx).pk)),
    Cas("tache_telecharger", "GET", [R, N, D, D, N, N, N], kwargs=lambda ctx: dans_a(ctx, pk=_tache(ctx).pk)),
    # API
    Cas(
        "api:token",
        "POST",
        [D] * 7,
        api=True,
        data=lambda ctx: {"email": ctx.a.membres["lecteur"].utilisateur.email, "password": MOT_DE_PASSE},
    ),
    # An admin without an active second factor gets no token, whoever asks.
    Cas(
        "api:token",
        "POST",
        [F] * 7,
        api=True,
        data=lambda ctx: {"email": ctx.a.membres["admin"].utilisateur.email, "password": MOT_DE_PASSE},
    ),
    Cas("api:schema", "GET", TOUS, api=True),
    Cas("api:docs", "GET", TOUS, api=True),
    Cas("api:parametres", "GET", API_ADMIN, kwargs=dans_a, api=True),
    Cas("api:parametres", "PATCH", API_ADMIN, kwargs=dans_a, api=True, data=lambda ctx: {"heures_etp": "1600"}),
    Cas("api:membre-list", "GET", API_ADMIN, kwargs=dans_a, api=True),
    Cas("api:membre-list", "POST", [401, N, 201, F, F, F, F], kwargs=dans_a, api=True, data=_invitation),
    Cas("api:membre-detail", "GET", API_ADMIN, kwargs=lambda ctx: dans_a(ctx, pk=_cible(ctx)), api=True),
    Cas(
        "api:membre-detail",
        "PATCH",
        API_ADMIN,
        kwargs=lambda ctx: dans_a(ctx, pk=_cible(ctx)),
        api=True,
        data=lambda ctx: {"role": Role.FACILITATEUR},
    ),
    Cas(
        "api:membre-detail",
        "DELETE",
        [401, N, 204, F, F, F, F],
        kwargs=lambda ctx: dans_a(ctx, pk=_cible(ctx)),
        api=True,
    ),
    Cas(
        "api:tache-detail", "GET", [401, N, D, D, N, N, N], kwargs=lambda ctx: dans_a(ctx, pk=_tache(ctx).pk), api=True
    ),
    Cas(
        "api:tache-telecharger",
        "GET",
        [401, N, D, D, N, N, N],
        api=True,
        kwargs=lambda ctx: dans_a(ctx, pk=_tache(ctx).pk),
    ),
    Cas("api:journal-list", "GET", API_ADMIN, kwargs=dans_a, api=True),
    Cas("api:journal-exporter", "POST", [401, N, 202, F, F, F, F], kwargs=dans_a, api=True),
]
