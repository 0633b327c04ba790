"""Relevés d'heures, the services: drafting, the rules of a line, submission, validation line by line, the lock and
corrections, comments and evidence, the audit trail; and the warnings (pure) shown while typing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from entreprises import services
from entreprises.avertissements import ContratInfo, LigneAverifier, LotInfo, avertissements, plafond_heures
from entreprises.models import LigneReleve, PieceJustificative, Releve
from entreprises.selectors import avertissements_releve, historique_releve
from guichet.enums import Role
from guichet.models import JournalAudit

from ..factories import EntrepriseFactory
from .releves import MARS, ligne, monde


@pytest.fixture
def m(guichet_a, guichet_b):
    monde(guichet_b)  # the other guichet has the same kind of data
    return monde(guichet_a)


def creer(m, *lignes, **kwargs):
    facilitateur = m.territoire.membres[Role.FACILITATEUR].utilisateur
    return services.releve_create(
        guichet=m.guichet, acting_user=facilitateur, entreprise=m.entreprise, periode=kwargs.pop("periode", MARS),
        lignes=lignes, **kwargs
    )  # fmt: skip


def soumis(m, *lignes):
    releve = creer(m, *lignes)
    return services.releve_submit(releve=releve, acting_user=m.territoire.membres[Role.ENTREPRISE].utilisateur)


def facilitateur(m):
    return m.territoire.membres[Role.FACILITATEUR].utilisateur


def test_a_draft_relevé_is_created_for_the_month_with_its_person_and_sous_traitance_lines(m):
    with m.territoire.scope():
        releve = creer(
            m,
            ligne(m.contrat),
            {"sous_traitant": m.structure, "montant_ht": 12000, "lot": m.lot, **ligne(None, heures=None)},
            periode=date(2026, 3, 17),
        )
        assert (releve.periode, releve.statut, releve.source) == (MARS, "brouillon", "saisie")
        assert [(x.contrat, x.sous_traitant, x.statut) for x in releve.lignes.order_by("pk")] == [
            (m.contrat, None, "en_attente"),
            (None, m.structure, "en_attente"),
        ]
        assert JournalAudit.objects.get(action="releve.create").details == {"lignes": 2}


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        (
            {"date_debut": date(2026, 2, 27)},
            "Ligne 1 : date_debut : La date doit être dans le mois du relevé (mars 2026).",
        ),
        ({"date_fin": date(2026, 4, 2)}, "Ligne 1 : date_fin : La date doit être dans le mois du relevé (mars 2026)."),
        ({"date_fin": date(2026, 3, 1)}, "Ligne 1 : date_fin : La date de fin précède la date de début."),
        ({"heures": None}, "Ligne 1 : heures : Indiquez les heures de la personne."),
        ({"heures": Decimal(-3)}, "Ligne 1 : heures : Les heures ne peuvent pas être négatives."),
        ({"montant_ht": 10}, "Ligne 1 : montant_ht : Un montant ne se déclare que sur une ligne de sous-traitance."),
    ],
)
def test_a_person_line_breaking_a_rule_is_refused_in_french_and_nothing_is_written(m, donnees, message):
    with m.territoire.scope():
        with pytest.raises(ValidationError) as erreur:
            creer(m, ligne(m.contrat, **donnees))
        assert message in erreur.value.message_dict["lignes"]
        assert not Releve.objects.exists() and not LigneReleve.objects.exists()


def test_a_line_must_be_a_contract_of_the_company_on_one_of_its_lots(m):
    with m.territoire.scope():
        with pytest.raises(ValidationError) as erreur:
            creer(m, ligne(m.contrat_autre), ligne(m.contrat, lot=m.lot_autre))
        assert erreur.value.message_dict["lignes"] == [
            "Ligne 1 : contrat : Ce contrat n'est pas un contrat de l'entreprise du relevé.",
            "Ligne 2 : lot : Ce lot n'est pas attribué à l'entreprise du relevé.",
        ]


def test_sous_traitance_goes_to_a_structure_inclusive_with_an_amount_and_a_lot(m):
    base = ligne(None, heures=None)
    with m.territoire.scope():
        classique = EntrepriseFactory(guichet=m.guichet, type_structure="classique")
        with pytest.raises(ValidationError) as erreur:
            creer(
                m,
                {**base, "sous_traitant": classique, "montant_ht": 100, "lot": m.lot},
                {**base, "sous_traitant": m.entreprise, "montant_ht": 100, "lot": m.lot},
                {**base, "sous_traitant": m.structure},
                {**base, "sous_traitant": m.structure, "contrat": m.contrat, "montant_ht": 1, "lot": m.lot},
            )
        assert erreur.value.message_dict["lignes"] == [
            "Ligne 1 : sous_traitant : La sous-traitance ne compte qu'avec une structure inclusive (SIAE, GEIQ, EA, "
            "ESAT, régie de quartier).",
            "Ligne 2 : sous_traitant : L'entreprise ne peut pas être sa propre sous-traitante.",
            "Ligne 3 : montant_ht : Indiquez le montant HT facturé par la structure.",
            "Ligne 3 : lot : Indiquez le lot sous-traité.",
            "Ligne 4 : Une ligne porte soit une personne (son contrat), soit une structure sous-traitante.",
        ]


def test_objects_of_another_guichet_are_refused(m, guichet_b):
    with guichet_b.scope():
        from entreprises.models import Entreprise

        etrangere = Entreprise.objects.get(raison_sociale="Concurrente")
    with m.territoire.scope():
        with pytest.raises(ValidationError):
            services.releve_create(guichet=m.guichet, acting_user=None, entreprise=etrangere, periode=MARS)
        with pytest.raises(ValidationError) as erreur:
            creer(m, {**ligne(None, heures=None), "sous_traitant": etrangere, "montant_ht": 1, "lot": m.lot})
        assert erreur.value.message_dict["lignes"] == ["Ligne 1 : Cette ligne cite un objet d'un autre guichet."]


def test_the_draft_s_lines_are_replaced_kept_by_id_added_and_deleted(m):
    with m.territoire.scope():
        releve = creer(m, ligne(m.contrat), ligne(m.contrat_non_eligible))
        premiere, seconde = releve.lignes.order_by("pk")
        services.releve_lignes_enregistrer(
            releve=releve,
            acting_user=None,
            lignes=[{"id": premiere.pk, "heures": Decimal("35.5")}, ligne(m.contrat_non_eligible, heures=7)],
        )
        lignes = list(releve.lignes.order_by("pk").values_list("pk", "heures"))
        assert lignes[0] == (premiere.pk, Decimal("35.50"))
        assert lignes[1][0] not in {premiere.pk, seconde.pk} and lignes[1][1] == 7
        with pytest.raises(ValidationError) as erreur:
            services.releve_lignes_enregistrer(releve=releve, acting_user=None, lignes=[{"id": 99999, "heures": 1}])
        assert erreur.value.message_dict["lignes"] == ["Ligne 1 : cette ligne n'appartient pas à ce relevé."]


def test_submission_needs_a_line_then_locks_the_lines(m):
    with m.territoire.scope():
        releve = creer(m)
        with pytest.raises(ValidationError, match="Ajoutez au moins une ligne"):
            services.releve_submit(releve=releve, acting_user=None)
        ligne_ = services.releve_ligne_ajouter(releve=releve, acting_user=None, **ligne(m.contrat))
        releve = services.releve_submit(releve=releve, acting_user=m.territoire.membres[Role.ENTREPRISE].utilisateur)
        assert releve.statut == "soumis" and releve.soumis_le is not None
        for essai in (
            lambda: services.releve_ligne_ajouter(releve=releve, acting_user=None, **ligne(m.contrat)),
            lambda: services.releve_ligne_modifier(ligne=ligne_, acting_user=None, heures=1),
            lambda: services.releve_ligne_supprimer(ligne=ligne_, acting_user=None),
            lambda: services.releve_delete(releve=releve, acting_user=None),
            lambda: services.releve_submit(releve=releve, acting_user=None),
        ):
            with pytest.raises(ValidationError, match="Ce relevé est soumis : il n'est plus modifiable"):
                essai()
        assert LigneReleve.objects.get().heures == 70


def test_validation_rejects_the_cited_lines_with_their_reason_and_validates_the_rest(m):
    with m.territoire.scope():
        releve = soumis(
            m,
            ligne(m.contrat),
            ligne(m.contrat_non_eligible),
            ligne(m.contrat, date_debut=date(2026, 3, 16), date_fin=date(2026, 3, 31)),
        )
        premiere, seconde, troisieme = releve.lignes.order_by("pk")
        services.releve_ligne_decider(ligne=troisieme, acting_user=facilitateur(m), rejet=True, motif="Doublon")
        releve = services.releve_validate(
            releve=releve,
            acting_user=facilitateur(m),
            rejets=[{"ligne": seconde.pk, "motif": " Pas de contrat signé "}],
        )
        assert releve.statut == "valide" and releve.valide_par == facilitateur(m)
        assert list(releve.lignes.order_by("pk").values_list("statut", "motif_rejet")) == [
            ("valide", ""),
            ("rejete", "Pas de contrat signé"),
            ("rejete", "Doublon"),
        ]
        assert list(LigneReleve.objects.validees()) == [premiere]
        assert JournalAudit.objects.get(action="releve.validate").details == {"validees": 1, "rejetees": 2}


def test_a_relevé_whose_every_line_is_rejected_is_rejected(m):
    with m.territoire.scope():
        releve = soumis(m, ligne(m.contrat))
        (seule,) = releve.lignes.all()
        releve = services.releve_validate(releve=releve, acting_user=None, rejets=[{"ligne": seule, "motif": "Faux"}])
        assert releve.statut == "rejete"


def test_validation_refuses_a_rejection_without_reason_or_of_another_line_and_changes_nothing(m):
    with m.territoire.scope():
        autre = soumis(m, ligne(m.contrat_non_eligible))
        releve = soumis(m, ligne(m.contrat))
        (seule,) = releve.lignes.all()
        with pytest.raises(ValidationError) as erreur:
            services.releve_validate(
                releve=releve,
                acting_user=None,
                rejets=[{"ligne": seule.pk, "motif": "  "}, {"ligne": autre.lignes.get().pk, "motif": "x"}],
            )
        assert erreur.value.message_dict["rejets"] == [
            f"Indiquez le motif du rejet de la ligne {seule.pk}.",
            f"La ligne {autre.lignes.get().pk} n'appartient pas à ce relevé.",
        ]
        with pytest.raises(ValidationError) as erreur:
            services.releve_ligne_decider(ligne=seule, acting_user=None, rejet=True, motif="")
        assert erreur.value.message_dict == {"motif": ["Indiquez le motif du rejet : l'entreprise le lira."]}
        assert set(LigneReleve.objects.values_list("statut", flat=True)) == {"en_attente"}
        with pytest.raises(ValidationError, match="Seul un relevé soumis se valide ou se rejette ligne à ligne"):
            services.releve_ligne_decider(ligne=creer(m, ligne(m.contrat)).lignes.get(), acting_user=None, rejet=False)


def test_a_facilitator_validates_a_draft_at_once_which_submits_it_on_the_way(m):
    with m.territoire.scope():
        with pytest.raises(ValidationError, match="Ajoutez au moins une ligne"):
            services.releve_validate(releve=creer(m), acting_user=facilitateur(m))
        releve = services.releve_validate(releve=creer(m, ligne(m.contrat)), acting_user=facilitateur(m))
        assert (releve.statut, releve.soumis_par) == ("valide", facilitateur(m))
        with pytest.raises(ValidationError, match="Ce relevé est déjà validé"):
            services.releve_validate(releve=releve, acting_user=facilitateur(m))


def test_a_validated_relevé_is_locked_and_corrected_by_a_new_relevé_that_replaces_it(m):
    with m.territoire.scope():
        releve = services.releve_validate(releve=soumis(m, ligne(m.contrat)), acting_user=None)
        with pytest.raises(ValidationError, match="verrouillé depuis sa validation"):
            services.releve_ligne_ajouter(releve=releve, acting_user=None, **ligne(m.contrat))
        correction = services.releve_corriger(releve=releve, acting_user=None)
        assert (correction.corrige, correction.statut, correction.periode) == (releve, "brouillon", MARS)
        assert list(correction.lignes.values_list("contrat", "heures", "statut")) == [(m.contrat.pk, 70, "en_attente")]
        with pytest.raises(ValidationError, match="Une correction de ce relevé est déjà en cours"):
            services.releve_corriger(releve=releve, acting_user=None)
        with pytest.raises(ValidationError, match="Seul un relevé validé ou rejeté se corrige"):
            services.releve_corriger(releve=correction, acting_user=None)
        # The original counts until its correction is validated; then the correction alone counts.
        assert list(LigneReleve.objects.validees().values_list("releve", flat=True)) == [releve.pk]
        services.releve_lignes_enregistrer(
            releve=correction, acting_user=None, lignes=[{"id": correction.lignes.get().pk, "heures": 60}]
        )
        services.releve_submit(releve=correction, acting_user=None)
        services.releve_validate(releve=correction, acting_user=None)
        assert list(LigneReleve.objects.validees().values_list("releve", "heures")) == [(correction.pk, 60)]
        assert list(Releve.objects.en_vigueur()) == [correction]


def test_comments_and_pieces_are_kept_and_the_history_tells_who_did_what(m, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    entreprise = m.territoire.membres[Role.ENTREPRISE].utilisateur
    with m.territoire.scope():
        releve = creer(m, ligne(m.contrat))
        piece = services.piece_deposer(
            releve=releve, acting_user=entreprise, fichier=ContentFile(b"%PDF bulletin", name="bulletin.pdf"),
            type="bulletin_paie", ligne=releve.lignes.get(),
        )  # fmt: skip
        services.releve_submit(releve=releve, acting_user=entreprise)
        services.releve_commenter(releve=releve, acting_user=facilitateur(m), texte="Merci d'ajouter la facture.")
        services.releve_validate(releve=releve, acting_user=facilitateur(m))
        with pytest.raises(ValidationError, match="Les pièces d'un relevé validé ne changent plus"):
            services.piece_supprimer(piece=piece, acting_user=entreprise)
        with pytest.raises(ValidationError):
            services.piece_deposer(releve=releve, acting_user=entreprise, fichier=ContentFile(b"x", name="x.exe"))
        assert PieceJustificative.objects.get().fichier.read() == b"%PDF bulletin"
        autre = creer(m)  # another relevé's history stays apart
        services.releve_commenter(releve=autre, acting_user=entreprise, texte="Rien ce mois-ci")
        assert [(e.action, e.acteur) for e in historique_releve(releve=releve)][::-1] == [
            ("releve.create", facilitateur(m)),
            ("releve.piece", entreprise),
            ("releve.submit", entreprise),
            ("releve.commentaire", facilitateur(m)),
            ("releve.validate", facilitateur(m)),
        ]


def test_the_warnings_of_a_relevé_name_what_will_not_count_without_blocking(m):
    with m.territoire.scope():
        releve = creer(
            m,
            ligne(m.contrat, date_debut=date(2026, 3, 16), date_fin=date(2026, 3, 27), lot=m.lot),
            ligne(m.contrat_non_eligible, heures=300),
        )
        deja = creer(m, ligne(m.contrat, date_debut=date(2026, 3, 20), date_fin=date(2026, 3, 21), heures=7))
        premiere, seconde = releve.lignes.order_by("pk")
        assert avertissements_releve(releve=releve) == {
            premiere.pk: [
                "Les dates sortent de la période d'exécution du lot M-2026-VOIRIE/1 (05/01/2026 – 20/03/2026) : les "
                "heures en dehors ne compteront pas.",
                "Chevauche une autre ligne de Léa Martin du 20/03/2026 au 21/03/2026 (relevé de mars 2026).",
            ],
            seconde.pk: [
                "Hugo Petit n'avait pas d'éligibilité validée au début de son contrat (01/02/2026) : ces heures ne "
                "compteront pas.",
                "300\u00a0h sur 12 jour(s) dépassent la durée maximale du travail (96\u00a0h au plus : 10 h par jour, "
                "48 h par semaine).",
            ],
        }
        # A rejected line no longer overlaps anything.
        services.releve_submit(releve=deja, acting_user=None)
        services.releve_validate(releve=deja, acting_user=None, rejets=[{"ligne": deja.lignes.get().pk, "motif": "x"}])
        assert len(avertissements_releve(releve=releve)[premiere.pk]) == 1


def test_the_line_being_typed_is_checked_against_the_others():
    contrats = {
        1: ContratInfo(id=1, personne="Léa Martin", debut=date(2026, 2, 1), fin=date(2026, 3, 10), eligible=True)
    }
    lots = {5: LotInfo(id=5, libelle="lot M/1", debut=date(2026, 1, 1), fin=date(2026, 12, 31))}
    saisie = LigneAverifier(
        cle="saisie", debut=date(2026, 3, 5), fin=date(2026, 4, 3), heures=Decimal(20), contrat_id=1, lot_id=5
    )
    enregistree = LigneAverifier(cle=7, debut=date(2026, 3, 1), fin=date(2026, 3, 5), contrat_id=1)
    assert avertissements(periode=MARS, lignes=[saisie], contrats=contrats, lots=lots, autres=[enregistree]) == {
        "saisie": [
            "Les dates sortent du mois du relevé (mars 2026).",
            "Les dates sortent du contrat de Léa Martin (01/02/2026 – 10/03/2026).",
            "Chevauche une autre ligne de Léa Martin du 01/03/2026 au 05/03/2026.",
        ]
    }


@pytest.mark.parametrize(
    ("debut", "fin", "plafond"),
    [((1, 1), (1, 1), 10), ((1, 1), (1, 5), 48), ((1, 1), (1, 8), 80), ((2, 1), (2, 28), 192), ((3, 1), (3, 31), 240)],
)
def test_a_month_allows_at_most_ten_hours_a_day_and_forty_eight_a_week(debut, fin, plafond):
    assert plafond_heures(date(2026, *debut), date(2026, *fin)) == plafond
