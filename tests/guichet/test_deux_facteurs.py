"""Second factor (TOTP): the algorithm against the RFCs, sign-in steps, enrolment, recovery codes, throttling, the
API token, the middleware's safety net and the admins' reset. Sign-ins go through the real views here (never
``force_login``, which the test fixtures count as verified)."""

import re
import time

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from guichet import deux_facteurs, services, totp
from guichet.enums import Role
from guichet.models import CodeSecours, DeuxFacteurs, JournalAudit

from ..clients import url
from ..deux_facteurs import SECRET, activer, code_pour
from ..factories import MOT_DE_PASSE

# --- The algorithm ----------------------------------------------------------------------------------------------

RFC_CLE = b"12345678901234567890"


def test_hotp_matches_the_test_values_of_rfc_4226_appendix_d():
    attendus = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [totp.hotp(RFC_CLE, compteur) for compteur in range(10)] == attendus


@pytest.mark.parametrize(
    ("instant", "attendu"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_totp_matches_the_sha1_test_vectors_of_rfc_6238_appendix_b(instant, attendu):
    assert totp.hotp(RFC_CLE, totp.pas(instant), chiffres=8) == attendu


def test_a_code_is_accepted_one_step_around_now_and_never_twice():
    secret, maintenant = totp.nouveau_secret(), 1_800_000_000
    pas = totp.pas(maintenant)
    for decalage in (-1, 0, 1):
        assert totp.verifier(
            secret, totp.code(secret, maintenant + 30 * decalage), dernier_pas=None, instant=maintenant
        )
    assert totp.verifier(secret, totp.code(secret, maintenant + 60), dernier_pas=None, instant=maintenant) is None
    assert totp.verifier(secret, totp.code(secret, maintenant - 60), dernier_pas=None, instant=maintenant) is None
    code = totp.code(secret, maintenant)
    assert totp.verifier(secret, code, dernier_pas=pas, instant=maintenant) is None  # replay (RFC 6238 §5.2)
    assert totp.verifier(secret, " " + code[:3] + " " + code[3:], dernier_pas=None, instant=maintenant) == pas
    assert totp.verifier(secret, "abcdef", dernier_pas=None, instant=maintenant) is None


def test_the_otpauth_uri_names_the_account_and_the_issuer():
    uri = totp.uri("JBSWY3DPEHPK3PXP", compte="fabien@exemple.fr", emetteur="Clause sociale")
    assert uri.startswith("otpauth://totp/Clause%20sociale%3Afabien%40exemple.fr?secret=JBSWY3DPEHPK3PXP")
    assert "issuer=Clause%20sociale" in uri and "digits=6" in uri and "period=30" in uri


def test_the_secret_is_stored_encrypted_and_survives_a_key_rotation(settings, guichet_a):
    utilisateur = guichet_a.membres[Role.FACILITATEUR].utilisateur
    activer(utilisateur)
    stocke = DeuxFacteurs.objects.get(utilisateur=utilisateur).secret_chiffre
    assert SECRET not in stocke and deux_facteurs.dechiffrer(stocke) == SECRET
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "une-nouvelle-cle-secrete-" + "x" * 40
    assert deux_facteurs.dechiffrer(stocke) == SECRET


# --- Sign-in ----------------------------------------------------------------------------------------------------


def connexion(client, utilisateur, **extra):
    return client.post(reverse("connexion"), {"username": utilisateur.email, "password": MOT_DE_PASSE, **extra})


def secret_affiche(response):
    return re.search(r'id="secret">([A-Z2-7 ]+)<', response.text).group(1).replace(" ", "")


def test_a_facilitator_without_a_second_factor_must_enrol_before_being_signed_in(client, guichet_a):
    facilitateur = guichet_a.membres[Role.FACILITATEUR].utilisateur
    response = connexion(client, facilitateur)
    assert response["Location"] == reverse("deux_facteurs_activer")
    assert "_auth_user_id" not in client.session
    assert client.get(url("guichet_accueil", guichet_a))["Location"].startswith(reverse("connexion"))

    page = client.get(reverse("deux_facteurs_activer"))
    assert page.status_code == 200 and "<svg" in page.text and "otpauth://totp/" in page.text
    secret = secret_affiche(page)
    assert secret_affiche(client.get(reverse("deux_facteurs_activer"))) == secret  # same secret on reload

    faux = client.post(reverse("deux_facteurs_activer"), {"code": "000000" if totp.code(secret) != "000000" else "1"})
    assert faux.status_code == 400 and "Code incorrect ou expiré." in faux.text
    assert "_auth_user_id" not in client.session

    reponse = client.post(reverse("deux_facteurs_activer"), {"code": totp.code(secret)})
    assert reponse.status_code == 200
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>", reponse.text)
    assert len(codes) == 10
    assert CodeSecours.objects.filter(utilisateur=facilitateur, utilise_le__isnull=True).count() == 10
    assert not any(CodeSecours.objects.filter(empreinte__contains=code) for code in codes)  # only hashes stored
    assert client.session["_auth_user_id"] == str(facilitateur.pk)
    assert client.get(url("guichet_accueil", guichet_a)).status_code == 200
    # The secret is never shown again.
    assert client.get(reverse("deux_facteurs_activer"))["Location"] == reverse("securite")
    assert secret.encode() not in client.get(reverse("securite")).content


def test_with_a_second_factor_the_password_alone_opens_nothing(client, guichet_a):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    activer(admin)
    response = connexion(client, admin, next=url("membres", guichet_a))
    assert response["Location"] == reverse("deux_facteurs")
    assert "_auth_user_id" not in client.session
    assert client.get(url("membres", guichet_a)).status_code == 302
    assert client.get(reverse("api:membre-list", kwargs={"guichet_slug": guichet_a.slug})).status_code == 401

    faux = client.post(reverse("deux_facteurs"), {"code": "12345"})
    assert faux.status_code == 400 and "Code incorrect ou expiré." in faux.text

    code = code_pour(admin)
    cle_avant = client.session.session_key
    response = client.post(reverse("deux_facteurs"), {"code": code})
    assert response["Location"] == url("membres", guichet_a)  # where the password form was heading
    assert client.session.session_key != cle_avant  # a new session key once signed in
    assert client.get(url("membres", guichet_a)).status_code == 200
    assert client.get(reverse("api:membre-list", kwargs={"guichet_slug": guichet_a.slug})).status_code == 200

    # The same code cannot open a second session (RFC 6238 §5.2).
    client.logout()
    connexion(client, admin)
    assert client.post(reverse("deux_facteurs"), {"code": code}).status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_code_step_expires_after_five_minutes(client, guichet_a, monkeypatch):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    activer(admin)
    connexion(client, admin)
    depart = time.time()
    monkeypatch.setattr(deux_facteurs.time, "time", lambda: depart + deux_facteurs.ATTENTE_SECONDES + 1)
    response = client.post(reverse("deux_facteurs"), {"code": code_pour(admin)})
    assert response["Location"] == reverse("connexion")
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_replaces_the_app_once(client, guichet_a):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    activer(admin)
    codes = deux_facteurs.codes_secours_regenerer(utilisateur=admin)
    connexion(client, admin)
    assert client.post(reverse("deux_facteurs"), {"code": codes[0].upper()}).status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)
    client.logout()
    connexion(client, admin)
    assert client.post(reverse("deux_facteurs"), {"code": codes[0]}).status_code == 400
    assert client.post(reverse("deux_facteurs"), {"code": codes[1]}).status_code == 302


def test_wrong_codes_are_throttled_even_before_the_right_one(client, guichet_a, settings):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    activer(admin)
    connexion(client, admin)
    bon = code_pour(admin)
    mauvais = next(c for c in ("111111", "222222", "333333") if c != bon)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("deux_facteurs"), {"code": mauvais})
    response = client.post(reverse("deux_facteurs"), {"code": bon})
    assert response.status_code == 400 and "Trop de codes erronés." in response.text
    assert "_auth_user_id" not in client.session


def test_other_roles_sign_in_with_the_password_and_may_choose_the_second_factor(client, guichet_a):
    lecteur = guichet_a.membres[Role.LECTEUR].utilisateur
    assert connexion(client, lecteur).status_code == 302
    assert client.session["_auth_user_id"] == str(lecteur.pk)
    page = client.get(reverse("deux_facteurs_activer"))
    assert page.status_code == 200 and "obligatoire" not in page.text
    reponse = client.post(reverse("deux_facteurs_activer"), {"code": totp.code(secret_affiche(page))})
    assert reponse.status_code == 200 and client.session[deux_facteurs.SESSION_VERIFIEE]
    # From now on the code is asked at sign-in; the reader may turn it off again with a code.
    client.logout()
    assert connexion(client, lecteur)["Location"] == reverse("deux_facteurs")
    assert client.post(reverse("deux_facteurs"), {"code": code_pour(lecteur, secret_affiche(page))}).status_code == 302
    code = code_pour(lecteur, secret_affiche(page))
    assert client.post(reverse("securite"), {"action": "desactiver", "code": code})["Location"] == reverse("securite")
    assert not DeuxFacteurs.objects.filter(utilisateur=lecteur).exists()
    assert not CodeSecours.objects.filter(utilisateur=lecteur).exists()


def test_a_facilitator_cannot_turn_the_second_factor_off(client, guichet_a):
    facilitateur = guichet_a.membres[Role.FACILITATEUR].utilisateur
    activer(facilitateur)
    connexion(client, facilitateur)
    client.post(reverse("deux_facteurs"), {"code": code_pour(facilitateur)})
    response = client.post(reverse("securite"), {"action": "desactiver", "code": code_pour(facilitateur)})
    assert response.status_code == 400
    assert "exige la double authentification" in response.text
    assert DeuxFacteurs.objects.filter(utilisateur=facilitateur, confirme_le__isnull=False).exists()


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(client, guichet_a):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    activer(admin)
    anciens = deux_facteurs.codes_secours_regenerer(utilisateur=admin)
    connexion(client, admin)
    client.post(reverse("deux_facteurs"), {"code": code_pour(admin)})
    assert client.post(reverse("securite"), {"action": "codes", "code": "000001"}).status_code == 400
    response = client.post(reverse("securite"), {"action": "codes", "code": code_pour(admin)})
    nouveaux = re.findall(r"<code>([a-z2-7-]{19})</code>", response.text)
    assert len(nouveaux) == 10 and not set(nouveaux) & set(anciens)
    assert not deux_facteurs.code_verifier(utilisateur=admin, code=anciens[0])
    assert deux_facteurs.code_verifier(utilisateur=admin, code=nouveaux[0])


# --- The safety net: a role raised during a session ---------------------------------------------------------------


def test_a_reader_promoted_to_facilitator_is_sent_to_enrol_at_the_next_page(client, guichet_a):
    lecteur = guichet_a.membres[Role.LECTEUR]
    connexion(client, lecteur.utilisateur)
    assert client.get(url("guichet_accueil", guichet_a)).status_code == 200
    with guichet_a.scope():
        services.membre_update(membre=lecteur, role=Role.FACILITATEUR, acting_user=None)
    api = client.get(reverse("api:membre-list", kwargs={"guichet_slug": guichet_a.slug}))
    assert api.status_code == 403 and "exige la double authentification" in api.json()["detail"]
    response = client.get(url("guichet_accueil", guichet_a))
    assert response["Location"] == reverse("deux_facteurs_activer")
    assert "_auth_user_id" not in client.session  # signed out until enrolled
    assert client.get(reverse("deux_facteurs_activer")).status_code == 200


def test_a_forced_session_without_the_mark_does_not_reach_an_admin_page(client, guichet_a):
    """Outside the tests' fixture, a session without the verified mark (opened before this feature, say) is sent
    back to the code step."""
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    activer(admin)
    client.force_login(admin)
    session = client.session
    del session[deux_facteurs.SESSION_VERIFIEE]
    session.save()
    assert client.get(url("membres", guichet_a))["Location"] == reverse("deux_facteurs")
    assert client.post(reverse("deux_facteurs"), {"code": code_pour(admin)})["Location"] == url("membres", guichet_a)


# --- API token ----------------------------------------------------------------------------------------------------


def demander_jeton(utilisateur, **extra):
    return APIClient().post(
        reverse("api:token"), {"email": utilisateur.email, "password": MOT_DE_PASSE, **extra}, format="json"
    )


def test_the_api_token_of_an_admin_needs_the_second_factor_and_its_code(guichet_a):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    sans = demander_jeton(admin)
    assert sans.status_code == 403 and "exige la double authentification" in sans.json()["detail"]
    activer(admin)
    assert demander_jeton(admin).json() == {"code": ["Ce compte a la double authentification : joignez votre code."]}
    assert demander_jeton(admin, code="000000" if code_pour(admin) != "000000" else "1").status_code == 400
    code = code_pour(admin)
    response = demander_jeton(admin, code=code)
    assert response.status_code == 200 and response.json()["token"]
    assert demander_jeton(admin, code=code).json() == {"code": [deux_facteurs.MESSAGE_CODE_INCORRECT]}
    assert demander_jeton(guichet_a.membres[Role.LECTEUR].utilisateur).status_code == 200  # optional for others


def test_a_token_issued_without_a_second_factor_stops_working(guichet_a):
    facilitateur = guichet_a.membres[Role.FACILITATEUR].utilisateur
    ancien = Token.objects.create(user=facilitateur)  # issued on the password alone, before the rule
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {ancien.key}")
    liste = reverse("api:acheteur-list", kwargs={"guichet_slug": guichet_a.slug})
    response = client.get(liste)
    assert response.status_code == 403 and "double authentification" in response.json()["detail"]
    # Enrolling deletes it: the next token is asked with a code.
    deux_facteurs.enrolement_commencer(utilisateur=facilitateur)
    secret = deux_facteurs.dechiffrer(DeuxFacteurs.objects.get(utilisateur=facilitateur).secret_chiffre)
    deux_facteurs.enrolement_confirmer(utilisateur=facilitateur, code=totp.code(secret))
    assert not Token.objects.filter(key=ancien.key).exists()
    assert client.get(liste).status_code == 401


# --- The admins' reset ------------------------------------------------------------------------------------------------


def test_an_admin_resets_a_members_second_factor_audited_and_told_by_email(
    client, guichet_a, django_capture_on_commit_callbacks
):
    facilitateur = guichet_a.membres[Role.FACILITATEUR]
    activer(facilitateur.utilisateur)
    deux_facteurs.codes_secours_regenerer(utilisateur=facilitateur.utilisateur)
    Token.objects.create(user=facilitateur.utilisateur)
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    assert "Réinitialiser la double authentification" in client.get(url("membres", guichet_a)).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("membre_deux_facteurs_reinitialiser", guichet_a, pk=facilitateur.pk))
    assert response["Location"] == url("membres", guichet_a)
    utilisateur = facilitateur.utilisateur
    assert not DeuxFacteurs.objects.filter(utilisateur=utilisateur).exists()
    assert not CodeSecours.objects.filter(utilisateur=utilisateur).exists()
    assert not Token.objects.filter(user=utilisateur).exists()
    with guichet_a.scope():
        entree = JournalAudit.objects.get(action="membre.deux_facteurs_reinitialiser")
    assert entree.cible_id == str(facilitateur.pk) and entree.acteur == guichet_a.membres[Role.ADMIN].utilisateur
    assert mail.outbox[-1].to == [utilisateur.email] and "réinitialisé" in mail.outbox[-1].body
    # At the next sign-in, the facilitator enrols again.
    client.logout()
    assert connexion(client, utilisateur)["Location"] == reverse("deux_facteurs_activer")


def test_an_admin_cannot_reset_a_member_of_another_guichet_nor_their_own(client, deux_guichets):
    a, b = deux_guichets
    autre = b.membres[Role.FACILITATEUR]
    activer(autre.utilisateur)
    admin = a.membres[Role.ADMIN].utilisateur
    activer(admin)
    client.force_login(admin)
    assert client.post(url("membre_deux_facteurs_reinitialiser", a, pk=autre.pk)).status_code == 404
    assert DeuxFacteurs.objects.filter(utilisateur=autre.utilisateur).exists()
    response = client.post(url("membre_deux_facteurs_reinitialiser", a, pk=a.membres[Role.ADMIN].pk), follow=True)
    assert "Vous ne pouvez pas réinitialiser votre propre double authentification" in response.text
    assert DeuxFacteurs.objects.filter(utilisateur=admin).exists()
    with a.scope():
        assert not JournalAudit.objects.filter(action="membre.deux_facteurs_reinitialiser").exists()


@override_settings(LOGIN_REDIRECT_URL="mes_guichets")
def test_the_code_step_keeps_the_next_page_but_never_leaves_the_site(client, guichet_a):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    activer(admin)
    connexion(client, admin, next="https://pirate.exemple/")
    assert client.post(reverse("deux_facteurs"), {"code": code_pour(admin)})["Location"] == reverse("mes_guichets")
