"""Reads of the publics app, where the personal-data rules of domain.md §10 and api.md's table are enforced:

* people, their parcours and outcomes: admins and facilitators (``publics.view``);
* eligibility criteria and evidence: admins and facilitators (``eligibilites.view``), each read written to the
  access log by ``eligibilites_lues`` (the only way views and the API read them);
* a company member: its own contracts, and the names of its own employees (``employes_visibles``), never their
  criteria nor their birth dates;
* buyers and ``lecteur`` members: aggregates only (reporting), nothing here.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from guichet.dates import ajouter_mois
from guichet.enums import Role
from guichet.models import Parametres

from .enums import MomentSortie
from .models import (
    AccesDonnees,
    Beneficiaire,
    ContactPrescripteur,
    Contrat,
    CritereEligibilite,
    Eligibilite,
    Positionnement,
    Prescripteur,
    RevisionCriteres,
    Sortie,
)

ALERTE_ELIGIBILITE_JOURS = 30


def _interne(membre):
    return membre is not None and membre.has_perm("publics.view")


def prescripteurs_list(*, guichet):
    return Prescripteur.objects.filter(guichet=guichet).order_by("nom", "pk")


def contacts_prescripteurs(*, guichet):
    return ContactPrescripteur.objects.filter(guichet=guichet)


def criteres_list(*, guichet):
    from .services import criteres_initialiser

    criteres_initialiser(guichet=guichet)
    return CritereEligibilite.objects.filter(guichet=guichet).order_by("ordre", "code")


def criteres_actifs(*, guichet):
    return criteres_list(guichet=guichet).filter(actif=True)


def revisions_criteres(*, guichet):
    return RevisionCriteres.objects.filter(guichet=guichet).select_related("cree_par").order_by("-numero")


def beneficiaires_visibles(*, guichet, membre):
    """Full records: admins and facilitators only (the permission codes keep the others out)."""
    if not _interne(membre):
        return Beneficiaire.objects.none()
    return (
        Beneficiaire.objects.filter(guichet=guichet)
        .avec_doublon()
        .avec_eligibilite()
        .select_related("prescripteur_organisme")
        .order_by("nom", "prenom", "pk")
    )


def employes_visibles(*, guichet, membre):
    """A company member's view of people: those it employs (a contract with it, or placed with it), names only."""
    personnes = Beneficiaire.objects.filter(guichet=guichet)
    if _interne(membre):
        return personnes.order_by("nom", "prenom", "pk")
    if membre.role == Role.ENTREPRISE:
        siens = Contrat.objects.filter(beneficiaire=OuterRef("pk")).filter(
            Q(entreprise=membre.entreprise_id) | Q(structure=membre.entreprise_id)
        )
        personnes = personnes.filter(Exists(siens)).only("pk", "nom", "prenom", "anonymise_le")
        return personnes.order_by("nom", "prenom", "pk")
    return personnes.none()


def doublons(*, guichet):
    """People sharing a name, first name and birth date with another one of the guichet, grouped side by side."""
    return (
        Beneficiaire.objects.filter(guichet=guichet)
        .actifs()
        .avec_doublon()
        .filter(doublon=True)
        .order_by("nom", "prenom", "date_naissance", "pk")
    )


def doublons_de(*, beneficiaire):
    return (
        Beneficiaire.objects.filter(guichet=beneficiaire.guichet_id, anonymise_le__isnull=True)
        .meme_identite(nom=beneficiaire.nom, prenom=beneficiaire.prenom, date_naissance=beneficiaire.date_naissance)
        .exclude(pk=beneficiaire.pk)
        .order_by("pk")
    )


def eligibilites_visibles(*, guichet, membre):
    """Eligibility decisions: admins and facilitators only. Callers that show them log the read
    (``eligibilites_lues``)."""
    if membre is None or not membre.has_perm("eligibilites.view"):
        return Eligibilite.objects.none()
    return (
        Eligibilite.objects.filter(guichet=guichet)
        .avec_valide()
        .select_related("beneficiaire", "valide_par", "revision_criteres")
        .order_by("-date_validation", "-pk")
    )


def eligibilites_lues(*, guichet, membre, utilisateur, eligibilites, objet="eligibilite"):
    """Log the read of these decisions (one entry per person) and give them back as a list."""
    from .services import acces_enregistrer

    lignes = list(eligibilites)
    acces_enregistrer(
        guichet=guichet, utilisateur=utilisateur, beneficiaires=[e.beneficiaire_id for e in lignes], objet=objet
    )
    return lignes


def eligibilites_a_echeance(*, guichet, aujourdhui=None, jours=ALERTE_ELIGIBILITE_JOURS):
    """Validated eligibilities ending within ``jours`` days whose person has no later one: the facilitator renews
    them or lets them go."""
    aujourdhui = aujourdhui or timezone.localdate()
    fin = aujourdhui + timedelta(days=jours)
    plus_tardive = Eligibilite.objects.filter(
        beneficiaire=OuterRef("beneficiaire"),
        date_validation__isnull=False,
        valide_jusqu_au__gt=OuterRef("valide_jusqu_au"),
    )
    return (
        Eligibilite.objects.filter(
            guichet=guichet,
            date_validation__isnull=False,
            valide_jusqu_au__gte=aujourdhui,
            valide_jusqu_au__lte=fin,
            beneficiaire__anonymise_le__isnull=True,
        )
        .exclude(Exists(plus_tardive))
        .select_related("beneficiaire")
        .order_by("valide_jusqu_au", "pk")
    )


def positionnements_visibles(*, guichet, membre):
    if not _interne(membre):
        return Positionnement.objects.none()
    return (
        Positionnement.objects.filter(guichet=guichet)
        .select_related("beneficiaire", "entreprise", "lot__marche", "contrat")
        .order_by("-date", "-pk")
    )


def contrats_visibles(*, guichet, membre):
    """Work contracts with ``eligible`` and its reason; a company member's own (as employer of record, or placed
    with it by a structure)."""
    contrats = (
        Contrat.objects.filter(guichet=guichet)
        .avec_eligibilite()
        .select_related("beneficiaire", "entreprise", "structure", "lot__marche")
        .order_by("-date_debut", "-pk")
    )
    if _interne(membre):
        return contrats
    if membre is not None and membre.role == Role.ENTREPRISE:
        return contrats.filter(Q(entreprise=membre.entreprise_id) | Q(structure=membre.entreprise_id))
    return contrats.none()


def sorties_visibles(*, guichet, membre):
    if not _interne(membre):
        return Sortie.objects.none()
    return Sortie.objects.filter(guichet=guichet).select_related("contrat__beneficiaire", "contrat__entreprise")


def _sorties_manquantes(*, guichet, aujourdhui):
    """The ended contracts whose outcome at the end is missing, those whose outcome ``delai_sortie_mois`` months
    later is missing, and that delay."""
    delai = Parametres.objects.get(guichet=guichet).delai_sortie_mois
    base = Contrat.objects.filter(guichet=guichet, date_fin__isnull=False, beneficiaire__anonymise_le__isnull=True)
    saisie = Sortie.objects.filter(contrat=OuterRef("pk"))
    fin = base.filter(date_fin__lte=aujourdhui).exclude(Exists(saisie.filter(moment=MomentSortie.FIN_CONTRAT)))
    limite = ajouter_mois(aujourdhui, -delai)
    six = base.filter(date_fin__lte=limite).exclude(Exists(saisie.filter(moment=MomentSortie.SIX_MOIS)))
    return fin, six, delai


def sorties_a_saisir(*, guichet, aujourdhui=None):
    """Outcomes still to record (domain.md §7): at the end of each ended contract, and ``delai_sortie_mois`` months
    after it. Rows: ``(contrat, moment, due date)``, oldest first."""
    aujourdhui = aujourdhui or timezone.localdate()
    fin, six, delai = _sorties_manquantes(guichet=guichet, aujourdhui=aujourdhui)
    lignes = [(c, MomentSortie.FIN_CONTRAT, c.date_fin) for c in fin.select_related("beneficiaire", "entreprise")]
    lignes += [
        (c, MomentSortie.SIX_MOIS, ajouter_mois(c.date_fin, delai))
        for c in six.select_related("beneficiaire", "entreprise")
    ]
    return sorted(lignes, key=lambda ligne: (ligne[2], ligne[0].pk, ligne[1]))


def nombre_sorties_a_saisir(*, guichet, aujourdhui=None) -> int:
    """How many outcomes are still to record, counted in SQL (the dashboards' alert)."""
    fin, six, _ = _sorties_manquantes(guichet=guichet, aujourdhui=aujourdhui or timezone.localdate())
    return fin.count() + six.count()


def acces_list(*, guichet):
    return (
        AccesDonnees.objects.filter(guichet=guichet)
        .select_related("utilisateur", "beneficiaire")
        .order_by("-quand", "-pk")
    )


def limite_conservation(*, guichet, aujourdhui):
    mois = Parametres.objects.get(guichet=guichet).conservation_mois
    return ajouter_mois(aujourdhui, -mois)


def beneficiaires_a_anonymiser(*, guichet, aujourdhui):
    """People whose last activity is older than ``conservation_mois`` months (domain.md §10)."""
    limite = limite_conservation(guichet=guichet, aujourdhui=aujourdhui)
    return (
        Beneficiaire.objects.filter(guichet=guichet)
        .actifs()
        .avec_derniere_activite()
        .filter(derniere_activite__lt=limite)
        .order_by("pk")
    )


def donnees_personne(*, beneficiaire):
    """Everything held on one person (right of access, GDPR art. 15), as JSON-ready data."""

    def jour(valeur):
        return valeur.isoformat() if valeur else None

    b = beneficiaire
    return {
        "guichet": b.guichet.nom,
        "exporte_le": timezone.now().isoformat(),
        "identite": {
            "id": b.pk,
            "nom": b.nom,
            "prenom": b.prenom,
            "date_naissance": jour(b.date_naissance),
            "sexe": b.sexe,
            "commune": b.commune,
            "code_postal": b.code_postal,
            "qpv": b.qpv,
            "niveau_qualification": b.niveau_qualification,
            "prescripteur": b.prescripteur,
            "date_entree": jour(b.date_entree),
            "notes": b.notes,
            "anonymise_le": b.anonymise_le.isoformat() if b.anonymise_le else None,
        },
        "eligibilites": [
            {
                "id": e.pk,
                "criteres": e.criteres,
                "base": e.base,
                "date_validation": jour(e.date_validation),
                "valide_jusqu_au": jour(e.valide_jusqu_au),
                "justificatif_type": e.justificatif_type,
                "justificatif_date": jour(e.justificatif_date),
                "justificatif_conserve": bool(e.justificatif),
                "commentaire": e.commentaire,
                "valide_par": str(e.valide_par) if e.valide_par else None,
            }
            for e in b.eligibilites.select_related("valide_par").order_by("pk")
        ],
        "positionnements": [
            {
                "id": p.pk,
                "entreprise": p.entreprise.raison_sociale,
                "lot": str(p.lot) if p.lot else None,
                "date": jour(p.date),
                "poste": p.poste,
                "statut": p.statut,
                "motif_non_retenu": p.motif_non_retenu,
            }
            for p in b.positionnements.select_related("entreprise", "lot").order_by("pk")
        ],
        "contrats": [
            {
                "id": c.pk,
                "entreprise": c.entreprise.raison_sociale,
                "structure": c.structure.raison_sociale if c.structure else None,
                "modalite": c.modalite,
                "type_contrat": c.type_contrat,
                "date_debut": jour(c.date_debut),
                "date_fin": jour(c.date_fin),
                "poste": c.poste,
                "sorties": [
                    {"date": jour(s.date), "moment": s.moment, "situation": s.situation, "detail": s.detail}
                    for s in c.sorties.order_by("date", "pk")
                ],
            }
            for c in b.contrats.select_related("entreprise", "structure").prefetch_related("sorties").order_by("pk")
        ],
        "acces": [
            {"quand": a.quand.isoformat(), "par": str(a.utilisateur) if a.utilisateur else None, "objet": a.objet}
            for a in b.acces.select_related("utilisateur").order_by("quand", "pk")
        ],
    }
