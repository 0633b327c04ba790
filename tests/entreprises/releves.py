"""The data of the relevé tests: a guichet's company (its member's) holding a lot with an hours clause, two of its
employees (one eligible, one not), a structure inclusive, and the same kind of things elsewhere to try to leak."""

from dataclasses import dataclass
from datetime import date

from guichet.enums import Role, TypeConsideration

from ..factories import (
    AttributionFactory,
    BeneficiaireFactory,
    ConsiderationFactory,
    ContratFactory,
    EligibiliteFactory,
    EntrepriseFactory,
    LotFactory,
    MarcheFactory,
)

MARS = date(2026, 3, 1)


@dataclass
class Monde:
    territoire: object
    entreprise: object
    lot: object
    contrat: object  # Léa Martin's, eligible
    contrat_non_eligible: object  # Hugo Petit's: his eligibility came after the contract started
    structure: object  # an EI of the guichet
    autre_entreprise: object
    contrat_autre: object  # a contract of the other company
    lot_autre: object  # a lot of the other company

    @property
    def guichet(self):
        return self.territoire.guichet


def monde(territoire) -> Monde:
    guichet = territoire.guichet
    with territoire.scope():
        entreprise = territoire.membres[Role.ENTREPRISE].entreprise
        marche = MarcheFactory(guichet=guichet, notifie=True, reference="M-2026-VOIRIE")
        lot = LotFactory(
            guichet=guichet,
            marche=marche,
            numero=1,
            date_debut_execution=date(2026, 1, 5),
            date_fin_execution=date(2026, 3, 20),
        )
        ConsiderationFactory(guichet=guichet, lot=lot, type=TypeConsideration.CLAUSE_HEURES, heures_dues=500)
        AttributionFactory(guichet=guichet, lot=lot, entreprise=entreprise)
        lea = BeneficiaireFactory(guichet=guichet, nom="Martin", prenom="Léa", date_naissance=date(1995, 3, 2))
        EligibiliteFactory(guichet=guichet, beneficiaire=lea)
        hugo = BeneficiaireFactory(guichet=guichet, nom="Petit", prenom="Hugo", date_naissance=date(1988, 11, 30))
        EligibiliteFactory(guichet=guichet, beneficiaire=hugo, date_validation=date(2026, 2, 15))
        autre = EntrepriseFactory(guichet=guichet, raison_sociale="Concurrente")
        lot_autre = LotFactory(guichet=guichet, marche=marche, numero=2)
        AttributionFactory(guichet=guichet, lot=lot_autre, entreprise=autre)
        return Monde(
            territoire=territoire,
            entreprise=entreprise,
            lot=lot,
            contrat=ContratFactory(guichet=guichet, beneficiaire=lea, entreprise=entreprise),
            contrat_non_eligible=ContratFactory(guichet=guichet, beneficiaire=hugo, entreprise=entreprise),
            structure=EntrepriseFactory(
                guichet=guichet, raison_sociale="Rebond Insertion", type_structure="ei", siret="73282932000074"
            ),
            autre_entreprise=autre,
            contrat_autre=ContratFactory(
                guichet=guichet,
                entreprise=autre,
                beneficiaire=BeneficiaireFactory(
                    guichet=guichet, nom="Durand", prenom="Inès", date_naissance=date(1999, 1, 1)
                ),
            ),
            lot_autre=lot_autre,
        )


def ligne(contrat, **data):
    """A person line of March 2026, as the services take it."""
    return {"contrat": contrat, "date_debut": date(2026, 3, 2), "date_fin": date(2026, 3, 13), "heures": 70, **data}
