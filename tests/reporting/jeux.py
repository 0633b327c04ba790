"""A small territory whose indicators for 2026 are computed by hand (the figures are in ``ATTENDU``).

Buyers V (Ville) and D (Département). Lots and their hours clauses:

* L1 (marché M1 of V, notified 2026-03-01, executed 2026-04-01 → 2027-12-31: 640 days), BTP gros œuvre, 640 h:
  1 h a day from April;
* L2 (marché M2 of V, notified 2026-05-10, lot executed in June 2026), propreté, 300 h, also reserved to SIAE;
* L3 (marché M3 of D, notified 2025, executed 2025-01-01 → 2026-12-31: 730 days), espaces verts, 730 h;
* M4 (D) notified 2026 without any consideration; M5 (V) notified 2027.

Ledger (by first day): E1 (SIREN A) employs P1 (C1, CDD: 120 h in April and 80 h in May on L1; C4, a training:
20 h in July on L1) and P2 (C2, CDI: 50 h + 10 h of dépassement in June on L2) and carries 40 h of sous-traitance
by E2 (an EI) on L2 in June. E3, another establishment of SIREN A, employs P3 (C3, intérim: 60 h in January
2026 on L3, and 30 h in December 2025, another year). E4 (SIREN D) employs P1 again (C5, CDD: 25 h in
September on L3); 15 h in January 2027 do not count either.
"""

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

from stdnum import luhn

from guichet.enums import TypeConsideration

from ..factories import (
    AcheteurFactory,
    AllocationFactory,
    BeneficiaireFactory,
    ConsiderationFactory,
    ContratFactory,
    EligibiliteFactory,
    EntrepriseFactory,
    LigneReleveFactory,
    LotFactory,
    MarcheFactory,
)

ANNEE = 2026

ATTENDU = {
    "marches_notifies": 3,
    "marches_avec_consideration_sociale": 2,
    "part_consideration_sociale": D("0.6667"),
    "heures_dues": D("1670"),
    "heures_realisees": D("405"),
    "taux_realisation": D("0.2425"),  # 405 / 1670 = 0.24251…
    "beneficiaires": 3,
    "contrats_travail": 4,  # C1, C2, C3, C5: the training C4 is not a work contract
    "entreprises": 2,  # SIREN A (E1, E3) and SIREN D (E4)
    "structures_inclusives": 1,  # E2
    "etp": D("0.25"),  # 405 / 1607 = 0.252…
}

# Buyer V alone: M1 and M2, L1 and L2.
ATTENDU_V = {
    "marches_notifies": 2,
    "marches_avec_consideration_sociale": 2,
    "part_consideration_sociale": D("1.0000"),
    "heures_dues": D("940"),
    "heures_realisees": D("320"),
    "taux_realisation": D("0.3404"),  # 320 / 940 = 0.34042…
    "beneficiaires": 2,
    "contrats_travail": 2,
    "entreprises": 1,
    "structures_inclusives": 1,
    "etp": D("0.20"),  # 320 / 1607 = 0.199…
}

# Month by month: the due pace (L3 1 h a day all year, L1 1 h a day from April, L2's 300 h in June) and the hours.
RYTHME_DU = [31, 28, 31, 60, 62, 360, 62, 62, 60, 62, 60, 62]
REALISEES_PAR_MOIS = [60, 0, 0, 120, 80, 100, 20, 0, 25, 0, 0, 0]


def siret_de(siren, etablissement):
    debut = f"{siren}{etablissement:04d}"
    return debut + luhn.calc_check_digit(debut)


def _siren(n):
    base = f"{n:08d}"
    return base + luhn.calc_check_digit(base)


def territoire_calcule(territoire):
    """Builds the territory in ``territoire``'s guichet (inside its scope) and returns its objects by name."""
    g = territoire.guichet
    with territoire.scope():
        v = AcheteurFactory(guichet=g, nom="Ville")
        d = AcheteurFactory(guichet=g, nom="Département")
        m1 = MarcheFactory(guichet=g, acheteur=v, notifie=True)
        m2 = MarcheFactory(guichet=g, acheteur=v, date_notification=date(2026, 5, 10), statut="execution")
        m3 = MarcheFactory(
            guichet=g,
            acheteur=d,
            statut="execution",
            date_notification=date(2025, 1, 1),
            date_debut_execution=date(2025, 1, 1),
            date_fin_execution=date(2026, 12, 31),
        )
        MarcheFactory(guichet=g, acheteur=d, date_notification=date(2026, 2, 1), statut="attribue")
        m5 = MarcheFactory(guichet=g, acheteur=v, date_notification=date(2027, 1, 15), statut="attribue")
        l1 = LotFactory(guichet=g, marche=m1, secteur="btp_gros_oeuvre")
        l2 = LotFactory(
            guichet=g,
            marche=m2,
            secteur="proprete",
            date_debut_execution=date(2026, 6, 1),
            date_fin_execution=date(2026, 6, 30),
        )
        l3 = LotFactory(guichet=g, marche=m3, secteur="espaces_verts")
        l5 = LotFactory(guichet=g, marche=m5, secteur="services")
        heures = TypeConsideration.CLAUSE_HEURES
        for lot, dues in ((l1, 640), (l2, 300), (l3, 730), (l5, 999)):
            ConsiderationFactory(guichet=g, lot=lot, type=heures, heures_dues=dues)
        ConsiderationFactory(guichet=g, lot=l2, type=TypeConsideration.RESERVE_SIAE)

        e1 = EntrepriseFactory(guichet=g, siret=siret_de(_siren(11_111_111), 1))
        e2 = EntrepriseFactory(guichet=g, type_structure="ei")
        e3 = EntrepriseFactory(guichet=g, siret=siret_de(_siren(11_111_111), 2))
        e4 = EntrepriseFactory(guichet=g, siret=siret_de(_siren(44_444_444), 1))
        p1 = BeneficiaireFactory(
            guichet=g, sexe="F", date_naissance=date(1990, 5, 17), niveau_qualification="infra_3", qpv=True
        )
        p2 = BeneficiaireFactory(guichet=g, sexe="M", date_naissance=date(2002, 1, 1), niveau_qualification="3")
        p3 = BeneficiaireFactory(guichet=g, sexe="F", date_naissance=date(1970, 1, 1), niveau_qualification="4")
        # P2's decision of 2027 covers no counted contract: its criterion is not reported.
        for personne, criteres, validation, fin in (
            (p1, ["deld", "qpv"], date(2026, 1, 10), date(2028, 1, 10)),
            (p2, ["jeune_peu_qualifie"], date(2026, 1, 1), date(2028, 1, 1)),
            (p2, ["rsa"], date(2027, 1, 1), date(2029, 1, 1)),
            (p3, ["senior", "rqth"], date(2025, 6, 1), date(2027, 6, 1)),
        ):
            EligibiliteFactory(
                guichet=g, beneficiaire=personne, criteres=criteres, date_validation=validation, valide_jusqu_au=fin
            )
        c1 = ContratFactory(guichet=g, beneficiaire=p1, entreprise=e1, type_contrat="cdd", date_debut=date(2026, 2, 1))
        c2 = ContratFactory(guichet=g, beneficiaire=p2, entreprise=e1, type_contrat="cdi", date_debut=date(2026, 3, 1))
        c3 = ContratFactory(
            guichet=g, beneficiaire=p3, entreprise=e3, type_contrat="interim", date_debut=date(2025, 11, 1)
        )
        c4 = ContratFactory(
            guichet=g,
            beneficiaire=p1,
            entreprise=e1,
            modalite="formation",
            type_contrat="formation",
            date_debut=date(2026, 7, 1),
        )
        c5 = ContratFactory(
            guichet=g, beneficiaire=p1, entreprise=e4, type_contrat="cdd", date_debut=date(2026, 9, 1), date_fin=None
        )

        def heures_de(contrat, lot, jour, h, **extra):
            AllocationFactory(
                guichet=g,
                entreprise=contrat.entreprise,
                contrat=contrat,
                lot=lot,
                debut=jour,
                fin=jour,
                heures=h,
                **extra,
            )

        heures_de(c1, l1, date(2026, 4, 1), 120)
        heures_de(c1, l1, date(2026, 5, 1), 80)
        heures_de(c4, l1, date(2026, 7, 1), 20)
        heures_de(c2, l2, date(2026, 6, 1), 50)
        heures_de(c2, l2, date(2026, 6, 1), 10, regle="depassement")
        sous_traitance = LigneReleveFactory(
            guichet=g, releve__entreprise=e1, sous_traitance=True, sous_traitant=e2, lot=l2
        )
        AllocationFactory(
            guichet=g,
            entreprise=e1,
            contrat=None,
            ligne=sous_traitance,
            lot=l2,
            debut=date(2026, 6, 1),
            fin=date(2026, 6, 30),
            heures=40,
        )
        heures_de(c3, l3, date(2026, 1, 1), 60)
        heures_de(c3, l3, date(2025, 12, 1), 30)
        heures_de(c5, l3, date(2026, 9, 1), 25)
        heures_de(c5, l3, date(2027, 1, 1), 15)
    return SimpleNamespace(
        **{
            k: val
            for k, val in locals().items()
            if k not in {"territoire", "g", "heures_de", "personne", "criteres", "validation", "fin"}
        }
    )
