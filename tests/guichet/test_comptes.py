import re

from django.core import mail
from django.urls import reverse

from guichet.enums import Role
from guichet.models import JournalAudit, Membre, Utilisateur

from ..factories import MOT_DE_PASSE


def test_sign_in_with_email_leads_to_the_members_guichet(client, guichet_a):
    # A reader: for admins and facilitators a code step comes first (test_deux_facteurs.py).
    email = guichet_a.membres[Role.LECTEUR].utilisateur.email
    response = client.post(reverse("connexion"), {"username": email.upper(), "password": MOT_DE_PASSE}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("guichet_accueil", kwargs={"guichet_slug": guichet_a.slug})
    assert "Guichet A" in response.text


def test_wrong_password_is_refused_in_french(client, guichet_a):
    email = guichet_a.membres[Role.ADMIN].utilisateur.email
    response = client.post(reverse("connexion"), {"username": email, "password": "faux"})
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.text
    assert "_auth_user_id" not in client.session


def test_repeated_failures_block_even_the_right_password(client, guichet_a, settings):
    email = guichet_a.membres[Role.ADMIN].utilisateur.email
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("connexion"), {"username": email, "password": "faux"})
    response = client.post(reverse("connexion"), {"username": email, "password": MOT_DE_PASSE})
    assert "Trop de tentatives de connexion ont échoué" in response.text
    assert "_auth_user_id" not in client.session
    # Another account from the same address still signs in (the address limit is much higher).
    other = guichet_a.membres[Role.LECTEUR].utilisateur.email
    response = client.post(reverse("connexion"), {"username": other, "password": MOT_DE_PASSE})
    assert response.status_code == 302


def test_api_token_is_throttled_like_the_page(client, guichet_a, settings):
    email = guichet_a.membres[Role.ADMIN].utilisateur.email
    url = reverse("api:token")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert (
            client.post(url, {"email": email, "password": "faux"}, content_type="application/json").status_code == 400
        )
    response = client.post(url, {"email": email, "password": MOT_DE_PASSE}, content_type="application/json")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.json()["detail"]


def test_sign_out_ends_the_session(client, guichet_a):
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    client.post(reverse("deconnexion"))
    response = client.get(reverse("guichet_accueil", kwargs={"guichet_slug": guichet_a.slug}))
    assert response.status_code == 302 and reverse("connexion") in response["Location"]


def _link(body):
    return re.search(r"https?://[^\s]+", body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_password_reset_by_email_sets_a_new_password(client, guichet_a):
    email = guichet_a.membres[Role.LECTEUR].utilisateur.email
    client.post(reverse("mot_de_passe_oubli"), {"email": email})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [email]
    form_url = client.get("/" + _link(mail.outbox[0].body), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Nouveau-mdp-2026!", "new_password2": "Nouveau-mdp-2026!"})
    assert response.status_code == 302
    assert Utilisateur.objects.get(email=email).check_password("Nouveau-mdp-2026!")


def test_admin_invites_a_new_member_who_chooses_a_password(client, guichet_a, django_capture_on_commit_callbacks):
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    url = reverse("membres", kwargs={"guichet_slug": guichet_a.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Nouvelle@Exemple.fr", "role": Role.FACILITATEUR})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@exemple.fr"] and "Guichet A" in message.subject
    client.logout()
    form_url = client.get("/" + _link(message.body), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Bienvenue-2026!", "new_password2": "Bienvenue-2026!"})
    assert response.status_code == 302
    response = client.post(reverse("connexion"), {"username": "nouvelle@exemple.fr", "password": "Bienvenue-2026!"})
    assert response.status_code == 302
    with guichet_a.scope():
        membre = Membre.objects.get(utilisateur__email="nouvelle@exemple.fr")
        assert membre.role == Role.FACILITATEUR
        assert JournalAudit.objects.filter(action="membre.invite", cible_id=str(membre.pk)).exists()


def test_invitation_with_bad_data_shows_french_errors_and_writes_nothing(client, guichet_a):
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    url = reverse("membres", kwargs={"guichet_slug": guichet_a.slug})
    response = client.post(url, {"email": "pas-une-adresse", "role": Role.ACHETEUR})
    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valide." in response.text
    assert "Choisissez l&#x27;acheteur que ce membre représente." in response.text
    assert not Utilisateur.objects.filter(email="pas-une-adresse").exists()
    assert mail.outbox == []
