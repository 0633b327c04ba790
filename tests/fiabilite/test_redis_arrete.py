"""Fault: Redis (the cache and the Celery broker) stopped. Pages still render (the cache answers "not cached");
the long actions (bilan, export, recompute, relevé validation and its recompute) are recorded, say in French that
they will leave once the service is back, and nothing is lost: Redis started again, ``relancer_taches`` sends them
and a real worker runs them all. A private ``redis-server`` plays the part (never the machine's Redis)."""

import time
from datetime import date

import pytest
from django.core.management import call_command

from entreprises.models import Allocation, LigneReleve, Releve, SuiviLot
from guichet.enums import Role
from guichet.models import Tache
from guichet.services import MESSAGE_ENVOI_DIFFERE
from reporting.models import Bilan, Export

from ..clients import api, connecte, url
from ..conftest import arreter_worker, lancer_worker
from ..entreprises.chantier import chantier as construire_chantier
from ..entreprises.chantier import ligne

EN_FRANCAIS = "Le service des tâches est momentanément indisponible"


def attendre(condition, secondes=120):
    fin = time.monotonic() + secondes
    while time.monotonic() < fin:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_pages_render_and_long_actions_wait_for_its_return(client, guichet_a, sur_redis_prive):
    redis = sur_redis_prive
    territoire, entreprise, lot_a, _, contrat, _ = construire_chantier(guichet_a)
    with territoire.scope():
        juillet = ligne(territoire, contrat, date(2026, 7, 1), date(2026, 7, 31), 60, valide=False)
        Releve.objects.filter(pk=juillet.releve_id).update(statut="soumis")
    facilitateur = connecte(client, territoire)

    redis.arreter()
    debut = time.monotonic()
    pages = [
        url("guichet_accueil", territoire),
        url("marches", territoire),
        url("lot", territoire, pk=lot_a.pk),
        url("entreprise", territoire, pk=entreprise.pk),
        url("releves_a_valider", territoire),
        url("bilans", territoire),
        url("exports", territoire),
    ]
    for page in pages:
        assert facilitateur.get(page).status_code == 200, page

    actions = [
        (url("bilans", territoire), {"type": "copil", "annee": "2026"}),
        (url("exports", territoire), {"type": "decp", "annee": "2026", "format": "csv"}),
        (url("entreprise_recalculer", territoire, pk=entreprise.pk), {}),
        (url("releve_valider", territoire, pk=juillet.releve_id), {}),
    ]
    for adresse, donnees in actions:
        reponse = facilitateur.post(adresse, donnees, follow=True)
        assert reponse.status_code == 200 and EN_FRANCAIS in reponse.text, adresse
    reponse = api(territoire.membres[Role.FACILITATEUR]).post(url("api:recalcul-list", territoire), {}, format="json")
    assert reponse.status_code == 202
    with territoire.scope():
        assert (
            api(territoire.membres[Role.FACILITATEUR])
            .get(url("api:tache-detail", territoire, pk=reponse.json()["tache"]))
            .json()["etat"]
            == "en_attente"
        )
        # Each action is recorded: the bilan, the export, the validation; each task kept with what to send.
        bilan, export = Bilan.objects.get(), Export.objects.get()
        assert Releve.objects.get(pk=juillet.releve_id).statut == "valide"
        gardees = Tache.objects.filter(envoi__isnull=False)
        assert sorted(gardees.values_list("type", flat=True)) == [
            "bilan_produire",
            "decompte_entreprise",
            "decompte_entreprise",
            "decompte_guichet",
            "export_produire",
        ]
        assert set(Tache.objects.values_list("etat", flat=True)) == {"en_attente"}
        assert not Allocation.objects.exists()
    en_panne = time.monotonic() - debut

    # Still down: the relaunch keeps them.
    call_command("relancer_taches")
    with territoire.scope():
        assert Tache.objects.filter(envoi__isnull=False).count() == 5

    redis.demarrer()
    call_command("relancer_taches")
    with territoire.scope():
        assert not Tache.objects.filter(envoi__isnull=False).exists()
    worker = lancer_worker(REDIS_URL=redis.url, CELERY_BROKER_URL=redis.url)
    try:
        with territoire.scope():
            taches = Tache.objects.all()
            assert attendre(lambda: set(taches.values_list("etat", flat=True)) == {"termine"}), (
                list(taches.values_list("type", "etat", "erreur")),
                worker.poll(),
            )
            bilan.refresh_from_db()
            export.refresh_from_db()
            assert bilan.fichier and export.fichier
            assert Allocation.objects.filter(ligne=juillet).exists() and SuiviLot.objects.filter(lot=lot_a).exists()
            assert LigneReleve.objects.get(pk=juillet.pk).statut == "valide"
    finally:
        arreter_worker(worker)
    print(
        f"\nPanne « Redis arrêté » : {len(pages)} pages rendues, {len(actions) + 1} actions longues gardées "
        f"({en_panne:.1f} s), 5 tâches envoyées au retour de Redis et terminées par le worker"
    )
    assert MESSAGE_ENVOI_DIFFERE.startswith(EN_FRANCAIS)
