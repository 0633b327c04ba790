"""Security of the pages and the sessions: headers and CSP, cookies, idle and absolute expiry, password rules."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from guichet.enums import Role
from guichet.middleware import SessionExpirationMiddleware
from guichet.models import Utilisateur

from ..clients import url
from ..factories import MOT_DE_PASSE


@pytest.mark.parametrize("page", ["connexion", "guichet_accueil"])
def test_pages_carry_the_security_headers(client, guichet_a, page):
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    if page == "connexion":
        client.logout()
    response = client.get(url(page, guichet_a) if page != "connexion" else reverse(page))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ]:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_session_cookie_is_http_only_same_site_and_dies_with_the_browser(client, guichet_a):
    lecteur = guichet_a.membres[Role.LECTEUR].utilisateur
    client.post(reverse("connexion"), {"username": lecteur.email, "password": MOT_DE_PASSE})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert client.session.get_expire_at_browser_close()


def _vieillir(client, **secondes):
    session = client.session
    for cle, age in secondes.items():
        session[getattr(SessionExpirationMiddleware, cle)] -= age
    session.save()


def test_a_session_idle_for_longer_than_the_limit_is_ended(client, guichet_a, settings):
    client.force_login(guichet_a.membres[Role.LECTEUR].utilisateur)
    assert client.get(url("guichet_accueil", guichet_a)).status_code == 200
    _vieillir(client, ACTIVITE=settings.SESSION_INACTIVITE - 30)
    assert client.get(url("guichet_accueil", guichet_a)).status_code == 200  # still within the limit
    _vieillir(client, ACTIVITE=settings.SESSION_INACTIVITE + 1)
    response = client.get(url("guichet_accueil", guichet_a))
    assert response.status_code == 302 and response["Location"].startswith(reverse("connexion"))
    assert "_auth_user_id" not in client.session


def test_activity_does_not_extend_a_session_past_its_maximum_age(client, guichet_a, settings):
    client.force_login(guichet_a.membres[Role.LECTEUR].utilisateur)
    assert client.get(url("guichet_accueil", guichet_a)).status_code == 200
    _vieillir(client, DEBUT=settings.SESSION_COOKIE_AGE + 1)  # active a minute ago, signed in 8 hours ago
    response = client.get(url("guichet_accueil", guichet_a))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("mot_de_passe", "message"),
    [
        ("Court-1!", "Ce mot de passe est trop court. Il doit contenir au minimum 10 caractères."),
        ("motdepasse", "Ce mot de passe est trop courant."),
        ("8405931276", "Ce mot de passe est entièrement numérique."),
    ],
)
def test_a_weak_password_is_refused_in_french(client, guichet_a, mot_de_passe, message):
    utilisateur = guichet_a.membres[Role.LECTEUR].utilisateur
    uid = urlsafe_base64_encode(force_bytes(utilisateur.pk))
    lien = reverse(
        "mot_de_passe_nouveau", kwargs={"uidb64": uid, "token": default_token_generator.make_token(utilisateur)}
    )
    formulaire = client.get(lien, follow=True).redirect_chain[-1][0]
    response = client.post(formulaire, {"new_password1": mot_de_passe, "new_password2": mot_de_passe})
    assert response.status_code == 200
    assert message in response.text
    assert Utilisateur.objects.get(pk=utilisateur.pk).check_password(MOT_DE_PASSE)  # unchanged
