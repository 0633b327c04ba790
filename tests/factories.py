from datetime import date

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from stdnum import luhn

from acheteurs.enums import TypeAcheteur
from acheteurs.models import AchatPrevu, Acheteur, Contact, Programmation
from conventions.enums import StatutConvention, TypeEvenement
from conventions.models import Convention, DocumentEvenement, Evenement
from entreprises.models import Allocation, ContactEntreprise, Entreprise, LigneReleve, Releve, SuiviLot
from guichet.enums import Role, Secteur, TypeConsideration
from guichet.models import Membre, Utilisateur
from guichet.services import guichet_create
from marches.models import Attribution, AvenantHeures, Consideration, Lot, Marche, Operation
from publics.models import (
    Beneficiaire,
    ContactPrescripteur,
    Contrat,
    Eligibilite,
    Positionnement,
    Prescripteur,
    Sortie,
)
from reporting.models import Bilan, Export

MOT_DE_PASSE = "mot-de-passe-de-test"


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    prenom = "Camille"
    nom = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.PostGenerationMethodCall("set_password", MOT_DE_PASSE)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class GuichetFactory(factory.Factory):
    """Guichets are made by the service, so their settings exist as in production."""

    class Meta:
        model = dict

    slug = factory.Sequence(lambda n: f"guichet-{n}")
    nom = factory.Sequence(lambda n: f"Guichet n°{n}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return guichet_create(**kwargs)


class AcheteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Acheteur

    nom = factory.Sequence(lambda n: f"Commune n°{n}")
    type = TypeAcheteur.COMMUNE


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    acheteur = factory.SubFactory(AcheteurFactory, guichet=factory.SelfAttribute("..guichet"))
    prenom = "Claire"
    nom = factory.Sequence(lambda n: f"Durand{n}")
    email = factory.Sequence(lambda n: f"contact{n}@commune.fr")


class ProgrammationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programmation

    acheteur = factory.SubFactory(AcheteurFactory, guichet=factory.SelfAttribute("..guichet"))
    annee = 2026


class AchatPrevuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AchatPrevu

    programmation = factory.SubFactory(ProgrammationFactory, guichet=factory.SelfAttribute("..guichet"))
    objet = factory.Sequence(lambda n: f"Travaux n°{n}")


class ConventionFactory(factory.django.DjangoModelFactory):
    """A project convention for 2026–2028; traits ``signee`` and ``avec_document``."""

    class Meta:
        model = Convention

    acheteur = factory.SubFactory(AcheteurFactory, guichet=factory.SelfAttribute("..guichet"))
    reference = factory.Sequence(lambda n: f"CONV-{n:04d}")
    date_debut = date(2026, 1, 1)
    date_fin = date(2028, 12, 31)

    class Params:
        signee = factory.Trait(statut=StatutConvention.SIGNEE, date_signature=date(2025, 12, 15))
        avec_document = factory.Trait(
            document=factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 convention", name="convention.pdf"))
        )


class EvenementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evenement
        skip_postgeneration_save = True

    type = TypeEvenement.CLUB_ACHETEURS
    titre = factory.Sequence(lambda n: f"Club des acheteurs n°{n}")
    date = date(2026, 3, 12)

    @factory.post_generation
    def acheteurs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.acheteurs.set(extracted, through_defaults={"guichet": obj.guichet})


class DocumentEvenementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentEvenement

    evenement = factory.SubFactory(EvenementFactory, guichet=factory.SelfAttribute("..guichet"))
    fichier = factory.LazyFunction(lambda: ContentFile(b"compte rendu", name="compte-rendu.pdf"))


def siret_valide(n):
    """A valid SIRET numbered by ``n``: a SIREN whose Luhn key is right, an establishment number, the key."""
    siren = f"{n + 10_000_000:08d}"
    siren += luhn.calc_check_digit(siren)
    debut = f"{siren}0001"
    return debut + luhn.calc_check_digit(debut)


class EntrepriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entreprise

    raison_sociale = factory.Sequence(lambda n: f"Entreprise n°{n}")
    siret = factory.Sequence(siret_valide)


class ContactEntrepriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactEntreprise

    entreprise = factory.SubFactory(EntrepriseFactory, guichet=factory.SelfAttribute("..guichet"))
    prenom = "Karim"
    nom = factory.Sequence(lambda n: f"Benali{n}")
    email = factory.Sequence(lambda n: f"contact{n}@entreprise.fr")


class OperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operation

    nom = factory.Sequence(lambda n: f"Renouvellement urbain n°{n}")


class MarcheFactory(factory.django.DjangoModelFactory):
    """A works marché of 2026; traits ``notifie`` (awarded and running)."""

    class Meta:
        model = Marche

    acheteur = factory.SubFactory(AcheteurFactory, guichet=factory.SelfAttribute("..guichet"))
    reference = factory.Sequence(lambda n: f"M-2026-{n:04d}")
    objet = factory.Sequence(lambda n: f"Travaux n°{n}")
    montant_estime_ht = 1_000_000

    class Params:
        notifie = factory.Trait(
            statut="execution",
            date_notification=date(2026, 3, 1),
            date_debut_execution=date(2026, 4, 1),
            date_fin_execution=date(2027, 12, 31),
        )


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    marche = factory.SubFactory(MarcheFactory, guichet=factory.SelfAttribute("..guichet"))
    numero = factory.Sequence(lambda n: n + 1)
    intitule = factory.Sequence(lambda n: f"Lot n°{n}")
    secteur = Secteur.BTP_GROS_OEUVRE
    montant_ht = 1_000_000


class ConsiderationFactory(factory.django.DjangoModelFactory):
    """A consideration as stored, without the calibration (``services.consideration_create`` computes it)."""

    class Meta:
        model = Consideration

    lot = factory.SubFactory(LotFactory, guichet=factory.SelfAttribute("..guichet"))
    type = TypeConsideration.CLAUSE_ACTIONS


class AvenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvenantHeures

    consideration = factory.SubFactory(
        ConsiderationFactory, guichet=factory.SelfAttribute("..guichet"), type=TypeConsideration.CLAUSE_HEURES
    )
    date_effet = date(2026, 9, 1)
    heures_dues = 900


class AttributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribution

    lot = factory.SubFactory(LotFactory, guichet=factory.SelfAttribute("..guichet"))
    entreprise = factory.SubFactory(EntrepriseFactory, guichet=factory.SelfAttribute("..guichet"))
    role = "titulaire"


class MembreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membre

    utilisateur = factory.SubFactory(UtilisateurFactory)
    role = Role.FACILITATEUR

    class Params:
        acheteur_lie = factory.Trait(
            role=Role.ACHETEUR, acheteur=factory.SubFactory(AcheteurFactory, guichet=factory.SelfAttribute("..guichet"))
        )
        entreprise_liee = factory.Trait(
            role=Role.ENTREPRISE,
            entreprise=factory.SubFactory(EntrepriseFactory, guichet=factory.SelfAttribute("..guichet")),
        )


class PrescripteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prescripteur

    nom = factory.Sequence(lambda n: f"Mission locale n°{n}")
    type = "mission_locale"


class ContactPrescripteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPrescripteur

    prescripteur = factory.SubFactory(PrescripteurFactory, guichet=factory.SelfAttribute("..guichet"))
    prenom = "Inès"
    nom = factory.Sequence(lambda n: f"Conseillère{n}")


class BeneficiaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiaire

    nom = factory.Sequence(lambda n: f"Dupont{n}")
    prenom = "Sam"
    date_naissance = date(1990, 5, 17)
    sexe = "F"
    commune = "Lens"
    code_postal = "62300"
    niveau_qualification = "infra_3"
    prescripteur = "France Travail Lens"
    date_entree = date(2026, 1, 5)


class EligibiliteFactory(factory.django.DjangoModelFactory):
    """A validated eligibility (2026-01-10 → 2028-01-10); trait ``a_valider`` (no validation yet, a scanned proof)."""

    class Meta:
        model = Eligibilite

    beneficiaire = factory.SubFactory(BeneficiaireFactory, guichet=factory.SelfAttribute("..guichet"))
    criteres = factory.LazyFunction(lambda: ["deld", "qpv"])
    base = "criteres"
    date_validation = date(2026, 1, 10)
    valide_jusqu_au = date(2028, 1, 10)
    justificatif_type = "attestation_france_travail"
    justificatif_date = date(2026, 1, 8)

    class Params:
        a_valider = factory.Trait(
            date_validation=None,
            valide_jusqu_au=None,
            justificatif=factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 attestation", name="attestation.pdf")),
        )


class ContratFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contrat

    beneficiaire = factory.SubFactory(BeneficiaireFactory, guichet=factory.SelfAttribute("..guichet"))
    entreprise = factory.SubFactory(EntrepriseFactory, guichet=factory.SelfAttribute("..guichet"))
    modalite = "embauche_directe"
    type_contrat = "cdd"
    date_debut = date(2026, 2, 1)
    date_fin = date(2026, 7, 31)


class PositionnementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Positionnement

    beneficiaire = factory.SubFactory(BeneficiaireFactory, guichet=factory.SelfAttribute("..guichet"))
    entreprise = factory.SubFactory(EntrepriseFactory, guichet=factory.SelfAttribute("..guichet"))
    date = date(2026, 1, 20)


class SortieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sortie

    contrat = factory.SubFactory(ContratFactory, guichet=factory.SelfAttribute("..guichet"))
    date = date(2026, 7, 31)
    moment = "fin_contrat"
    situation = "emploi_transition"


class ReleveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Releve

    entreprise = factory.SubFactory(EntrepriseFactory, guichet=factory.SelfAttribute("..guichet"))
    periode = date(2026, 3, 1)

    class Params:
        soumis = factory.Trait(statut="soumis")
        valide = factory.Trait(statut="valide")


class LigneReleveFactory(factory.django.DjangoModelFactory):
    """A person line of the contract's company, in the relevé's month; ``sous_traitance`` makes the other kind."""

    class Meta:
        model = LigneReleve

    releve = factory.SubFactory(ReleveFactory, guichet=factory.SelfAttribute("..guichet"))
    contrat = factory.SubFactory(
        ContratFactory,
        guichet=factory.SelfAttribute("..guichet"),
        entreprise=factory.SelfAttribute("..releve.entreprise"),
    )
    date_debut = factory.SelfAttribute("releve.periode")
    date_fin = factory.LazyAttribute(lambda o: o.releve.periode.replace(day=28))
    heures = 35

    class Params:
        valide = factory.Trait(statut="valide")
        sous_traitance = factory.Trait(
            contrat=None,
            heures=None,
            sous_traitant=factory.SubFactory(
                EntrepriseFactory, guichet=factory.SelfAttribute("..guichet"), type_structure="ei"
            ),
            montant_ht=10000,
        )


class AllocationFactory(factory.django.DjangoModelFactory):
    """A row of the hours ledger, as the recompute writes it: hours of a person's contract carried to a lot."""

    class Meta:
        model = Allocation

    entreprise = factory.SubFactory(EntrepriseFactory, guichet=factory.SelfAttribute("..guichet"))
    contrat = factory.SubFactory(
        ContratFactory, guichet=factory.SelfAttribute("..guichet"), entreprise=factory.SelfAttribute("..entreprise")
    )
    lot = factory.SubFactory(LotFactory, guichet=factory.SelfAttribute("..guichet"))
    debut = date(2026, 3, 1)
    fin = date(2026, 3, 31)
    heures = 35
    regle = "echeance"
    modalite = factory.LazyAttribute(lambda o: o.contrat.modalite if o.contrat else "sous_traitance")
    calcule_le = factory.LazyFunction(timezone.now)


class SuiviLotFactory(factory.django.DjangoModelFactory):
    """A lot's progress as the recompute stores it (``vert`` by default; set ``statut_risque`` and the figures)."""

    class Meta:
        model = SuiviLot

    lot = factory.SubFactory(LotFactory, guichet=factory.SelfAttribute("..guichet"))
    heures_dues = 1000
    heures_realisees = 500
    taux_realisation = factory.LazyAttribute(lambda o: round(o.heures_realisees / o.heures_dues, 4))
    reste_a_realiser = factory.LazyAttribute(lambda o: max(0, o.heures_dues - o.heures_realisees))
    depassement = factory.LazyAttribute(lambda o: max(0, o.heures_realisees - o.heures_dues))
    statut_risque = "vert"
    calcule_le = factory.LazyFunction(timezone.now)


class BilanFactory(factory.django.DjangoModelFactory):
    """A copil bilan as stored once produced (trait ``pret``: with its PDF file); set ``type`` and its objects."""

    class Meta:
        model = Bilan

    type = "copil"
    annee = 2026
    titre = factory.LazyAttribute(lambda o: f"Bilan {o.annee} ({o.type})")

    class Params:
        pret = factory.Trait(
            fichier=factory.LazyFunction(lambda: ContentFile(b"%PDF-1.7 bilan", name="bilan.pdf")),
            genere_le=factory.LazyFunction(timezone.now),
        )


class ExportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Export

    type = "restitution_annuelle"
    annee = 2026
    format = "xlsx"
    titre = "Restitution annuelle 2026"

    class Params:
        pret = factory.Trait(
            fichier=factory.LazyFunction(lambda: ContentFile(b"PK export", name="export.xlsx")),
            genere_le=factory.LazyFunction(timezone.now),
        )
