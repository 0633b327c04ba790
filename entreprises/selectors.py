"""Reads of the entreprises app. A company member reads its own record, contacts and relevés only; relevés are read by
admins, facilitators and the company (``releves.view``), never by ``lecteur`` or buyer members: their lines name
people (architecture.md, tenancy §6; api.md's table)."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, IntegerField, Max, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from guichet.dates import ajouter_mois, dernier_jour, libelle_mois
from guichet.enums import Role, TypeConsideration
from guichet.models import JournalAudit, Parametres
from guichet.selectors import parametres_of
from marches.enums import RoleAttribution
from marches.models import Attribution, Consideration, Lot
from publics.models import Contrat

from .avertissements import ContratInfo, LigneAverifier, LotInfo, avertissements
from .enums import StatutLigne, StatutReleve
from .models import (
    Allocation,
    ContactEntreprise,
    Entreprise,
    Exclusion,
    LigneReleve,
    PieceJustificative,
    RelanceReleve,
    Releve,
    SuiviLot,
)
from .moteur.suivi import reste_a_realiser, taux_realisation

# The roles on a lot that owe its hours (domain.md §5.1): a sous-traitant does not.
ROLES_DEBITEURS = [RoleAttribution.TITULAIRE, RoleAttribution.COTRAITANT]
ZERO = Decimal(0)


def _compte_attributions(agregat, **filtre):
    """A count over the company's attributions, as a correlated subquery rather than a join with ``GROUP BY``: the
    paginator's ``COUNT(*)`` then reads the companies alone, and the page's rows are read off the index of its
    order (``entreprise_liste``), the counts computed for those rows only."""
    attributions = Attribution.objects.filter(entreprise=OuterRef("pk"), **filtre).order_by().values("entreprise")
    return Coalesce(Subquery(attributions.annotate(n=agregat).values("n")[:1]), 0, output_field=IntegerField())


def entreprises_visibles(*, guichet, membre):
    """The companies, with how many lots each holds and as titulaire."""
    entreprises = (
        Entreprise.objects.filter(guichet=guichet)
        .annotate(
            nombre_lots=_compte_attributions(Count("lot", distinct=True)),
            nombre_titulaire=_compte_attributions(Count("pk"), role=RoleAttribution.TITULAIRE),
        )
        .order_by("raison_sociale", "pk")
    )
    if membre.role == Role.ENTREPRISE:
        return entreprises.filter(pk=membre.entreprise_id)
    return entreprises


def contacts_visibles(*, guichet, membre):
    contacts = ContactEntreprise.objects.filter(guichet=guichet)
    if membre.role == Role.ENTREPRISE:
        return contacts.filter(entreprise=membre.entreprise_id)
    return contacts


# --- Relevés ---------------------------------------------------------------------------------------------


def releves_visibles(*, guichet, membre):
    """The relevés with their number of lines and hours declared; a company member's own only."""
    if not membre.has_perm("releves.view"):
        return Releve.objects.none()
    releves = (
        Releve.objects.filter(guichet=guichet)
        .select_related("entreprise", "soumis_par", "valide_par")
        .annotate(
            nombre_lignes=Count("lignes"),
            heures_declarees=Sum("lignes__heures"),
            lignes_rejetees=Count("lignes", filter=Q(lignes__statut=StatutLigne.REJETE)),
        )
        .order_by("-periode", "entreprise__raison_sociale", "-pk")
    )
    if membre.role == Role.ENTREPRISE:
        return releves.filter(entreprise=membre.entreprise_id)
    return releves


def avec_lignes(releves):
    """For the API and the pages: each relevé's lines with the person's name, in one more query."""
    lignes = LigneReleve.objects.select_related("contrat__beneficiaire", "sous_traitant", "lot__marche")
    return releves.prefetch_related(Prefetch("lignes", queryset=lignes.order_by("date_debut", "pk")))


def lignes_visibles(*, guichet, membre):
    releves = releves_visibles(guichet=guichet, membre=membre)
    return LigneReleve.objects.filter(guichet=guichet, releve__in=releves.values("pk")).select_related("releve")


def pieces_visibles(*, guichet, membre):
    """Evidence: the company's own, and every piece for admins and facilitators (``fichier_prive`` serves them)."""
    releves = releves_visibles(guichet=guichet, membre=membre)
    return PieceJustificative.objects.filter(guichet=guichet, releve__in=releves.values("pk")).select_related(
        "releve", "depose_par"
    )


def releves_a_valider(*, guichet):
    """The facilitators' queue: submitted relevés of every company, the oldest submission first."""
    return (
        Releve.objects.filter(guichet=guichet, statut=StatutReleve.SOUMIS)
        .select_related("entreprise", "soumis_par", "corrige")
        .annotate(nombre_lignes=Count("lignes"), heures_declarees=Sum("lignes__heures"))
        .order_by("soumis_le", "pk")
    )


ACTIONS_RELEVE = {
    "releve.create": "Création",
    "releve.import": "Import d'un fichier",
    "releve.lignes": "Lignes enregistrées",
    "releve.ligne_create": "Ligne ajoutée",
    "releve.ligne_update": "Ligne modifiée",
    "releve.ligne_delete": "Ligne supprimée",
    "releve.submit": "Soumission au guichet",
    "releve.ligne_rejet": "Ligne rejetée",
    "releve.ligne_acceptation": "Ligne acceptée",
    "releve.validate": "Validation",
    "releve.correction": "Correction par un nouveau relevé",
    "releve.commentaire": "Commentaire",
    "releve.piece": "Pièce déposée",
    "releve.piece_suppression": "Pièce supprimée",
}


def historique_releve(*, releve):
    """Who did what on a relevé: the audit entries about it, its lines, comments and pieces (those carry ``releve``
    in their details), the latest first; ``libelle`` says the action in French."""
    entrees = list(
        JournalAudit.objects.filter(guichet=releve.guichet_id)
        .filter(Q(cible_type=Releve._meta.label_lower, cible_id=str(releve.pk)) | Q(details__releve=releve.pk))
        .select_related("acteur")
        .order_by("-cree_le", "-pk")
    )
    for entree in entrees:
        entree.libelle = ACTIONS_RELEVE.get(entree.action, entree.action)
    return entrees


def avertissements_releve(*, releve, saisie=None, sauf=None):
    """The warnings of the relevé's lines (``avertissements``), by line id; with ``saisie`` (a ``LigneAverifier``
    being typed, ``cle="saisie"``, replacing the line ``sauf`` when editing), those of the typed line only."""
    lignes = [
        LigneAverifier(cle=pk, debut=debut, fin=fin, heures=heures, contrat_id=contrat_id, lot_id=lot_id)
        for pk, debut, fin, heures, contrat_id, lot_id in releve.lignes.exclude(pk=sauf).values_list(
            "pk", "date_debut", "date_fin", "heures", "contrat_id", "lot_id"
        )
    ]
    verifiees = [saisie] if saisie is not None else lignes
    autres = lignes if saisie is not None else []
    contrat_ids = {ligne.contrat_id for ligne in [*lignes, *verifiees] if ligne.contrat_id}
    # The same person's lines in the company's other relevés still in force: a correction replaces the relevé it
    # corrects, so the two do not overlap; rejected lines no longer count.
    ailleurs = (
        LigneReleve.objects.filter(contrat_id__in=contrat_ids, releve__in=Releve.objects.en_vigueur())
        .exclude(releve=releve)
        .exclude(releve__corrige=releve)
        .exclude(statut=StatutLigne.REJETE)
        .values_list("pk", "date_debut", "date_fin", "contrat_id", "releve__periode")
    )
    if releve.corrige_id:
        ailleurs = ailleurs.exclude(releve=releve.corrige_id)
    autres += [
        LigneAverifier(cle=pk, debut=debut, fin=fin, contrat_id=contrat_id, releve=f"relevé de {libelle_mois(mois)}")
        for pk, debut, fin, contrat_id, mois in ailleurs
    ]
    contrats = {
        c["pk"]: ContratInfo(
            id=c["pk"],
            personne=f"{c['beneficiaire__prenom']} {c['beneficiaire__nom']}".strip(),
            debut=c["date_debut"],
            fin=c["date_fin"],
            eligible=c["eligible"],
            lot_id=c["lot_id"],
        )
        for c in Contrat.objects.filter(pk__in=contrat_ids)
        .avec_eligibilite()
        .values("pk", "beneficiaire__prenom", "beneficiaire__nom", "date_debut", "date_fin", "eligible", "lot_id")
    }
    lot_ids = {ligne.lot_id for ligne in verifiees if ligne.lot_id} | {c.lot_id for c in contrats.values() if c.lot_id}
    lots = {
        lot.pk: LotInfo(id=lot.pk, libelle=f"lot {lot.marche.reference}/{lot.numero}", debut=lot.debut, fin=lot.fin)
        for lot in Lot.objects.filter(pk__in=lot_ids).avec_dates().select_related("marche")
    }
    delai = Parametres.objects.filter(guichet=releve.guichet_id).values_list("delai_grace_jours", flat=True).first()
    return avertissements(
        periode=releve.periode,
        lignes=verifiees,
        contrats=contrats,
        lots=lots,
        autres=autres,
        delai_grace_jours=delai or 0,
    )


# --- Missing relevés and the company's space ----------------------------------------------------------------


def lots_en_cours(*, guichet, periode):
    """The lots with an hours clause whose execution covers some of the month of ``periode``."""
    clause = Consideration.objects.filter(lot=OuterRef("pk"), type=TypeConsideration.CLAUSE_HEURES)
    return (
        Lot.objects.filter(guichet=guichet)
        .avec_dates()
        .filter(Exists(clause), debut__lte=dernier_jour(periode), fin__gte=periode)
    )


def releves_manquants(*, guichet, periode):
    """The companies that owe hours on a lot running in that month (titulaire or co-traitant of a lot with an hours
    clause) and have no submitted relevé for it (a draft does not count): whom the reminders go to, and the
    facilitators' list. ``brouillon``: a draft exists; ``relancee_le``: when the reminder went."""
    doivent = Attribution.objects.filter(
        entreprise=OuterRef("pk"),
        role__in=ROLES_DEBITEURS,
        lot__in=lots_en_cours(guichet=guichet, periode=periode).values("pk"),
    )
    du_mois = Releve.objects.filter(entreprise=OuterRef("pk"), periode=periode)
    relance = RelanceReleve.objects.filter(entreprise=OuterRef("pk"), periode=periode)
    return (
        Entreprise.objects.filter(guichet=guichet)
        .filter(Exists(doivent))
        .exclude(Exists(du_mois.exclude(statut=StatutReleve.BROUILLON)))
        .annotate(
            brouillon=Exists(du_mois.filter(statut=StatutReleve.BROUILLON)),
            relancee_le=Subquery(relance.values("envoyee_le")[:1]),
        )
        .order_by("raison_sociale", "pk")
    )


# --- The hours ledger and the lots' progress (entreprises.decompte) ----------------------------------------


def _grand_livre_visible(queryset, *, membre):
    """A company member reads its own rows, a buyer member the rows on its buyer's lots (the ledger explains the
    figures to both, domain.md §5.4); no personal data in it, only ids and hours."""
    if membre.role == Role.ENTREPRISE:
        return queryset.filter(entreprise_id=membre.entreprise_id)
    if membre.role == Role.ACHETEUR:
        return queryset.filter(lot__marche__acheteur_id=membre.acheteur_id)
    return queryset


def allocations_visibles(*, guichet, membre):
    return _grand_livre_visible(Allocation.objects.filter(guichet=guichet), membre=membre).order_by(
        "lot_id", "debut", "id"
    )


def exclusions_visibles(*, guichet, membre):
    return _grand_livre_visible(Exclusion.objects.filter(guichet=guichet), membre=membre).order_by(
        "entreprise_id", "debut", "id"
    )


def suivi_du_lot(*, guichet, lot) -> SuiviLot:
    """The lot's recorded progress; before its first recompute (or without an hours clause), the same figures
    computed now from the ledger, not saved (``calcule_le`` empty)."""
    from .decompte import suivis_calculer

    suivi = SuiviLot.objects.filter(guichet=guichet, lot=lot).first()
    if suivi is None:
        parametres = parametres_of(guichet=guichet)
        suivi = suivis_calculer(guichet, [lot.pk], parametres=parametres, jour=timezone.localdate(), sans_clause=True)
        suivi = suivi[lot.pk]
    return suivi


def _somme(queryset):
    """A correlated sum of ledger hours (``Subquery``): no join, so the other annotations are not multiplied."""
    total = queryset.order_by().values("guichet").annotate(total=Sum("heures")).values("total")[:1]
    return Coalesce(Subquery(total), 0, output_field=DecimalField(max_digits=12, decimal_places=2))


def _grand_livre_explique(queryset):
    """Ledger rows with what explains them: the company, the person (shown to those who may see contracts), the
    structure of a sous-traitance line, the lot."""
    return queryset.select_related("entreprise", "contrat__beneficiaire", "ligne__sous_traitant", "lot__marche")


def explication_lot(*, guichet, membre, lot) -> dict:
    """What the lot's page shows (domain.md §5.4, every figure explained): its progress, and line by line which
    hours came from where and by which rule, and the hours that did not count on it with their reason."""
    return {
        "a_clause": lot.considerations.filter(type=TypeConsideration.CLAUSE_HEURES).exists(),
        "suivi": suivi_du_lot(guichet=guichet, lot=lot),
        "allocations": _grand_livre_explique(allocations_visibles(guichet=guichet, membre=membre).filter(lot=lot)),
        "exclusions": _grand_livre_explique(exclusions_visibles(guichet=guichet, membre=membre).filter(lot=lot)),
    }


# --- A company's obligations (its space, its page, its dashboard) ------------------------------------------------


def obligations_entreprise(*, guichet, entreprise_id, aujourdhui=None) -> dict:
    """What a company owes and has done, pooled across its lots (domain.md §5): the one place read by the company's
    space (``mon-espace/``), its page for facilitators and its dashboard, so the three show the same figures.

    ``lots``: every lot it holds (any role), the most urgent end first, each with its attribution (``role``,
    ``role_libelle``, ``montant_attribue``, ``notifie_le``), its dates (``debut``, ``fin``), the hours due in force
    today (``heures_dues``, ``None`` without an hours clause), the company's own hours on it from the ledger
    (``heures_entreprise``, ``depassement_entreprise``), the lot's progress (``suivi``: every member of a
    groupement, absent before the first recompute) and ``doit`` (it owes the lot's hours: titulaire or co-traitant of
    an hours clause). ``lots_dus``: those it owes. Totals over the lots owed: ``heures_dues``, ``heures_realisees``
    (its own hours on them), ``reste``, ``taux``. Its whole ledger: ``heures_comptees`` (``None`` before the first
    recompute), ``depassement``, ``calcule_le``.

    Two queries whatever the number of lots (each figure a correlated subquery, no join that would multiply rows).
    The lists only some pages show are read beside it: ``heures_declarees``, ``exclusions_entreprise``,
    ``releves_dus``, ``lignes_a_corriger``."""
    aujourdhui = aujourdhui or timezone.localdate()
    attribution = Attribution.objects.filter(lot=OuterRef("pk"), entreprise_id=entreprise_id)
    clause = Consideration.objects.filter(lot=OuterRef("pk"), type=TypeConsideration.CLAUSE_HEURES)
    siennes = Allocation.objects.filter(lot=OuterRef("pk"), entreprise_id=entreprise_id)
    lots = list(
        Lot.objects.filter(guichet=guichet)
        .filter(Exists(attribution))
        .avec_dates()
        .avec_heures_du_jour(aujourdhui)
        .annotate(
            role=Subquery(attribution.values("role")[:1]),
            montant_attribue=Subquery(attribution.values("montant_ht")[:1]),
            notifie_le=Subquery(attribution.values("date_notification")[:1]),
            a_clause=Exists(clause),
            heures_entreprise=_somme(siennes),
            depassement_entreprise=_somme(siennes.filter(regle="depassement")),
        )
        .select_related("marche__acheteur", "suivi")
        .order_by("fin", "marche__reference", "numero", "pk")
    )
    for lot in lots:
        lot.role_libelle = RoleAttribution(lot.role).label
        lot.doit = lot.a_clause and lot.role in ROLES_DEBITEURS
    dus = [lot for lot in lots if lot.doit]
    dues = sum((lot.heures_dues or ZERO for lot in dus), ZERO)
    realisees = sum((lot.heures_entreprise for lot in dus), ZERO)
    grand_livre = Allocation.objects.filter(guichet=guichet, entreprise_id=entreprise_id).aggregate(
        comptees=Sum("heures"),
        depassement=Coalesce(Sum("heures", filter=Q(regle="depassement")), 0, output_field=DecimalField()),
        calcule_le=Max("calcule_le"),
    )
    return {
        "lots": lots,
        "lots_dus": dus,
        "heures_dues": dues,
        "heures_realisees": realisees,
        "reste": reste_a_realiser(realisees, dues),
        "taux": taux_realisation(realisees, dues),
        "heures_comptees": grand_livre["comptees"],
        "depassement": grand_livre["depassement"],
        "calcule_le": grand_livre["calcule_le"],
    }


def heures_declarees(*, entreprise_id) -> dict:
    """The hours the company declared on its people's lines: ``heures_validees`` and ``heures_en_attente``
    (submitted, not yet validated); one query."""
    lignes = LigneReleve.objects.filter(releve__entreprise_id=entreprise_id, contrat__isnull=False)
    declarees = lignes.aggregate(
        heures_validees=Sum("heures", filter=Q(pk__in=LigneReleve.objects.validees().values("pk"))),
        heures_en_attente=Sum("heures", filter=Q(releve__statut=StatutReleve.SOUMIS)),
    )
    return {cle: valeur or ZERO for cle, valeur in declarees.items()}


def exclusions_entreprise(*, guichet, entreprise_id) -> dict:
    """The company's hours that do not count, with their reason, so that the facilitator can fix the cause: their
    ``total`` and the rows (``lignes``, a queryset)."""
    exclusions = Exclusion.objects.filter(guichet=guichet, entreprise_id=entreprise_id)
    total = exclusions.aggregate(total=Coalesce(Sum("heures"), 0, output_field=DecimalField()))["total"]
    return {"total": total, "lignes": _grand_livre_explique(exclusions).order_by("debut", "id")}


def releves_dus(*, guichet, entreprise_id, jour_limite, aujourdhui=None):
    """The company's relevés due: those of the last three months not submitted while it owed hours on a running
    lot (late once their due date, ``jour_limite`` of the next month, has passed), then the current month's.
    Returns ``[{"periode", "libelle", "echeance", "en_retard"}]``, the oldest first (two queries)."""
    aujourdhui = aujourdhui or timezone.localdate()
    courant = aujourdhui.replace(day=1)
    mois = [ajouter_mois(courant, -k) for k in (3, 2, 1, 0)]
    doit = {
        f"m{i}": Exists(
            Attribution.objects.filter(
                entreprise=OuterRef("pk"),
                role__in=ROLES_DEBITEURS,
                lot__in=lots_en_cours(guichet=guichet, periode=periode).values("pk"),
            )
        )
        for i, periode in enumerate(mois)
    }
    en_cours = Entreprise.objects.filter(guichet=guichet, pk=entreprise_id).annotate(**doit).values(*doit).first()
    soumis = set(
        Releve.objects.filter(guichet=guichet, entreprise_id=entreprise_id, periode__in=mois)
        .exclude(statut=StatutReleve.BROUILLON)
        .values_list("periode", flat=True)
    )
    dus = []
    for i, periode in enumerate(mois):
        if en_cours and en_cours[f"m{i}"] and periode not in soumis:
            suivant = ajouter_mois(periode, 1)
            echeance = date(suivant.year, suivant.month, jour_limite)
            dus.append(
                {
                    "periode": periode,
                    "libelle": libelle_mois(periode),
                    "echeance": echeance,
                    "en_retard": aujourdhui > echeance,
                }
            )
    return dus


def lignes_a_corriger(*, guichet, entreprise_id, limite):
    """The company's rejected lines not yet corrected (no later relevé corrects theirs), the latest first, at most
    ``limite``, and their number (two queries)."""
    corrige = Releve.objects.filter(corrige=OuterRef("releve"))
    lignes = LigneReleve.objects.filter(
        guichet=guichet, releve__entreprise_id=entreprise_id, statut=StatutLigne.REJETE
    ).exclude(Exists(corrige))
    affichees = lignes.select_related("releve", "contrat__beneficiaire", "sous_traitant", "lot__marche").order_by(
        "-releve__periode", "date_debut", "pk"
    )[:limite]
    return list(affichees), lignes.count()


def contrats_entreprise(*, entreprise_id):
    """The company's work contracts with the person and the lot, the latest first (its space)."""
    return (
        Contrat.objects.filter(entreprise_id=entreprise_id)
        .select_related("beneficiaire", "lot__marche")
        .order_by("-date_debut", "-pk")
    )
