"""The demo's documents: ``seed_demo`` asks for one bilan of each kind per guichet, through the same task as any
bilan (the worker of ``make run`` renders them once the seed commits); once only."""

import time

from django.core.management import call_command
from pypdf import PdfReader

from guichet.models import Guichet
from guichet.tenancy import guichet_scope
from reporting.models import Bilan

TYPES = ["attestation_entreprise", "marche", "acheteur", "copil"]


def test_the_demo_asks_for_one_bilan_of_each_kind_and_the_task_renders_them(
    db, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as envois:
        call_command("seed_demo")
    guichets = list(Guichet.objects.order_by("pk"))
    demandes = {}
    for guichet in guichets:
        with guichet_scope(guichet.pk):
            bilans = list(Bilan.objects.select_related("demandeur", "tache"))
            demandes[guichet.pk] = bilans
            assert sorted(b.type for b in bilans) == sorted(TYPES)
            assert {(b.statut, b.demandeur.email.split("@")[0]) for b in bilans} == {("en_attente", "facilitateur")}
    # One dispatch per bilan, sent on commit; the first guichet's four are run here (the worker's work).
    assert len(envois) == 2 * len(TYPES)
    debut = time.perf_counter()
    for envoi in envois[: len(TYPES)]:
        envoi()
    duree = time.perf_counter() - debut
    with guichet_scope(guichets[0].pk):
        for bilan in Bilan.objects.all():
            assert bilan.statut == "termine", bilan.tache.erreur
            with bilan.fichier.open("rb") as fichier:
                assert len(PdfReader(fichier).pages) >= 1
    print(f"\nDémo : 4 bilans produits en {duree:.1f} s pour un guichet")
    with django_capture_on_commit_callbacks() as envois:
        call_command("seed_demo")  # idempotent: nothing asked again
    assert not envois
    for guichet in guichets:
        with guichet_scope(guichet.pk):
            assert Bilan.objects.count() == len(TYPES)
    capsys.readouterr()
