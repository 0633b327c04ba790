"""Writes of the marchés app: operations, marchés, lots, social considerations (and the calibration of an hours
clause, kept up to date here), avenants and attributions.

The calibration itself is the pure module ``marches.calibrage``; these services feed it and store its outputs
on the clause (``heures_dues``, ``heures_dues_brutes``, ``sous_seuil``, the explanation, the values retained).
They recompute a clause whenever one of its inputs changes: the clause itself, its lot (amount, sector), the
titulaire's awarded amount (setting ``recalcul_sur_montant_attribue``) and the guichet's calibration settings
(``parametres_recalculer``, called by ``guichet.services.parametres_update``).

The hours counted on a lot depend on its dates (its marché's when it has none), its hours due (clause, avenants),
its attributions and its buyer's pooling: a change of one of them sends, once committed, the recompute of the lot's
companies and progress (``entreprises.decompte.recalcul_lots_demander``, domain.md §5.5).
"""

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from entreprises.decompte import recalcul_demander, recalcul_lots_demander
from guichet.audit import audit
from guichet.enums import TypeConsideration
from guichet.selectors import a_la_permission, parametres_of
from guichet.services import creer, modifier, modifier_et_auditer, supprimer
from guichet.tenancy import ensure_same_guichet

from . import calibrage
from .enums import FICHES, ORDRE_STATUTS, STRUCTURES_RESERVATAIRES, ModeCalcul, RoleAttribution, StatutMarche
from .models import (
    CHAMPS_ATTRIBUTION,
    CHAMPS_AVENANT,
    CHAMPS_CONSIDERATION,
    CHAMPS_LOT,
    CHAMPS_MARCHE,
    CHAMPS_OPERATION,
    Attribution,
    AvenantHeures,
    Consideration,
    Lot,
    Marche,
    Operation,
)

# The guichet settings the calibration reads (domain.md §3): changing one recomputes every hours clause.
PARAMETRES_CALIBRAGE = {
    "cout_horaire",
    "taux_insertion",
    "taux_main_oeuvre",
    "arrondi",
    "seuil_minimum_heures",
    "recalcul_sur_montant_attribue",
}

# Where an error of ``marches.calibrage`` goes: the clause's field that holds the faulty input.
CHAMPS_ERREURS_CALIBRAGE = {
    "montant_lot": "montant_ht",
    "montant_attribue": "montant_ht",
    "secteur": "taux_main_oeuvre",
    "pact.montant_periode": "pact_montant_periode",
    "pact.duree_mois": "pact_duree_mois",
    "pact.heures_reprises_mois": "pact_heures_reprises_mois",
    "pact.taux_insertion": "pact_taux_insertion",
    "tranche.montant_tranche": "tranche_montant",
    "tranche.seuil_declenchement": "tranche_seuil",
    "tranche.montant_facture": "tranche_montant_facture",
}

SORTIES_CALIBRAGE = [
    "heures_dues",
    "heures_dues_brutes",
    "sous_seuil",
    "pas_de_clause",
    "explication",
    "montant_retenu",
    "taux_main_oeuvre_retenu",
    "cout_horaire_retenu",
    "calcule_le",
]

# The fields of a lot and of a marché the counting window reads (domain.md §4): changing one recomputes the lots.
DATES_EXECUTION = {"date_debut_execution", "date_fin_execution"}

# --- Operations --------------------------------------------------------------------------------------


@transaction.atomic
def operation_create(*, guichet, acting_user, **data) -> Operation:
    operation = creer(Operation, guichet=guichet, champs=CHAMPS_OPERATION, **data)
    audit(guichet=guichet, acteur=acting_user, action="operation.create", cible=operation)
    return operation


@transaction.atomic
def operation_update(*, operation, acting_user, **changes) -> Operation:
    modifier_et_auditer(
        operation, champs=CHAMPS_OPERATION, action="operation.update", acting_user=acting_user, **changes
    )
    return operation


@transaction.atomic
def operation_delete(*, operation, acting_user) -> None:
    audit(guichet=operation.guichet, acteur=acting_user, action="operation.delete", cible=operation)
    supprimer(operation, message="Cette opération ne peut pas être supprimée : détachez d'abord ses marchés.")


# --- Marchés -----------------------------------------------------------------------------------------


@transaction.atomic
def marche_create(*, guichet, acting_user, acheteur, operation=None, **data) -> Marche:
    ensure_same_guichet(guichet, acheteur, operation)
    marche = creer(Marche, guichet=guichet, champs=CHAMPS_MARCHE, acheteur=acheteur, operation=operation, **data)
    audit(guichet=guichet, acteur=acting_user, action="marche.create", cible=marche, acheteur=acheteur.pk)
    return marche


@transaction.atomic
def marche_update(*, marche, acting_user, **changes) -> Marche:
    """The status moves forward only (``_statut_recule``); an admin's step back is audited as
    ``marche.statut_corrige``."""
    ensure_same_guichet(marche.guichet, changes.get("acheteur"), changes.get("operation"))
    recule = "statut" in changes and _statut_recule(marche, changes["statut"], acting_user=acting_user)
    action = "marche.statut_corrige" if recule else "marche.update"
    diff = modifier_et_auditer(marche, champs=CHAMPS_MARCHE, action=action, acting_user=acting_user, **changes)
    if DATES_EXECUTION & set(diff) or "acheteur" in diff:
        recalcul_lots_demander(guichet=marche.guichet, lot_ids=marche.lots.values_list("pk", flat=True))
    return marche


def _statut_recule(marche, statut, *, acting_user) -> bool:
    """The lifecycle of a marché (api.md ``statut``) moves forward: programme → consultation → attribue →
    execution → clos, steps may be skipped. Creation takes any status (a contract is often entered late, already
    running); a change that goes back is refused, except to an admin correcting a mistake. Says whether it does."""
    if statut not in ORDRE_STATUTS or ORDRE_STATUTS.index(statut) >= ORDRE_STATUTS.index(marche.statut):
        return False  # forward, unchanged, or an unknown value that full_clean refuses
    if a_la_permission(guichet=marche.guichet, utilisateur=acting_user, code="marches.revert_status"):
        return True
    message = (
        f"Le statut d'un marché avance sans revenir en arrière : « {StatutMarche(statut).label} » précède "
        f"« {StatutMarche(marche.statut).label} ». Seul un administrateur du guichet peut corriger "
        "une erreur de statut."
    )
    raise ValidationError({"statut": message})


@transaction.atomic
def marche_delete(*, marche, acting_user) -> None:
    """A marché entered by mistake goes with its lots, their considerations and attributions."""
    audit(guichet=marche.guichet, acteur=acting_user, action="marche.delete", cible=marche)
    entreprises = _entreprises_des_lots(Lot.objects.filter(marche=marche))
    supprimer(marche, message="Ce marché ne peut pas être supprimé.")
    for entreprise_id in entreprises:
        recalcul_demander(guichet=marche.guichet, entreprise_id=entreprise_id)


@transaction.atomic
def marche_depuis_achat_prevu(*, achat, acting_user, **data) -> Marche:
    """« Transformer en marché »: a planned purchase of the programme becomes a marché in status ``programme``
    (object, estimated amount and buyer taken from it unless given), and the purchase keeps the link."""
    if achat.marche_id:
        raise ValidationError("Cet achat prévu a déjà été transformé en marché.")
    data = {
        "objet": achat.objet,
        "montant_estime_ht": achat.montant_estime_ht,
        "statut": StatutMarche.PROGRAMME,
        **data,
    }
    marche = marche_create(
        guichet=achat.guichet, acting_user=acting_user, acheteur=achat.programmation.acheteur, **data
    )
    achat.marche = marche
    achat.save(update_fields=["marche"])
    audit(guichet=achat.guichet, acteur=acting_user, action="achat_prevu.transformer", cible=achat, marche=marche.pk)
    return marche


# --- Lots --------------------------------------------------------------------------------------------


@transaction.atomic
def lot_create(*, guichet, acting_user, marche, **data) -> Lot:
    ensure_same_guichet(guichet, marche)
    lot = creer(Lot, guichet=guichet, champs=CHAMPS_LOT, marche=marche, **data)
    audit(guichet=guichet, acteur=acting_user, action="lot.create", cible=lot, marche=marche.pk)
    return lot


@transaction.atomic
def lot_update(*, lot, acting_user, **changes) -> Lot:
    """A new amount or sector recomputes the lot's hours clause; if it can no longer be computed (its amount
    removed), the change is refused with the reason."""
    ensure_same_guichet(lot.guichet, changes.get("marche"))
    diff = modifier_et_auditer(lot, champs=CHAMPS_LOT, action="lot.update", acting_user=acting_user, **changes)
    if {"montant_ht", "secteur"} & set(changes):
        clauses_recalculer(guichet=lot.guichet, acting_user=acting_user, lots=[lot], champ_erreur="montant_ht")
    if DATES_EXECUTION & set(diff) or "marche" in diff:
        recalcul_lots_demander(guichet=lot.guichet, lot_ids=[lot.pk])
    return lot


@transaction.atomic
def lot_delete(*, lot, acting_user) -> None:
    audit(guichet=lot.guichet, acteur=acting_user, action="lot.delete", cible=lot)
    entreprises = _entreprises_des_lots([lot])
    supprimer(lot, message="Ce lot ne peut pas être supprimé.")
    for entreprise_id in entreprises:
        recalcul_demander(guichet=lot.guichet, entreprise_id=entreprise_id)


def _entreprises_des_lots(lots):
    """The companies whose hours go elsewhere when these lots go."""
    return set(Attribution.objects.filter(lot__in=lots).values_list("entreprise_id", flat=True))


# --- Considérations sociales -------------------------------------------------------------------------


def _completer(data, type_):
    """Defaults of a new consideration: the formula for an hours clause, the structures a reserved marché is
    open to, the indicators the facilitator will follow (seed 004)."""
    if type_ == TypeConsideration.CLAUSE_HEURES and not data.get("mode_calcul"):
        data["mode_calcul"] = ModeCalcul.FORMULE
    if type_ in STRUCTURES_RESERVATAIRES and not data.get("structures_visees"):
        data["structures_visees"] = list(STRUCTURES_RESERVATAIRES[type_])
    if not data.get("indicateurs"):
        data["indicateurs"] = [
            {"nom": nom, "unite": unite, "cible": None, "realise": None} for nom, unite in FICHES[type_].indicateurs
        ]
    return data


@transaction.atomic
def consideration_create(*, guichet, acting_user, lot, **data) -> Consideration:
    ensure_same_guichet(guichet, lot)
    data = _completer(dict(data), data.get("type"))
    consideration = creer(Consideration, guichet=guichet, champs=CHAMPS_CONSIDERATION, lot=lot, **data)
    _calibrer(consideration)
    _recompter_clause(consideration)
    audit(
        guichet=guichet,
        acteur=acting_user,
        action="consideration.create",
        cible=consideration,
        lot=lot.pk,
        heures_dues=_texte(consideration.heures_dues),
    )
    return consideration


@transaction.atomic
def consideration_update(*, consideration, acting_user, **changes) -> Consideration:
    ensure_same_guichet(consideration.guichet, changes.get("lot"))
    if changes.get("type", consideration.type) == TypeConsideration.CLAUSE_HEURES and not (
        changes.get("mode_calcul", consideration.mode_calcul)
    ):
        changes["mode_calcul"] = ModeCalcul.FORMULE
    avant, type_avant, lot_avant = consideration.heures_dues, consideration.type, consideration.lot_id
    diff = modifier(consideration, champs=CHAMPS_CONSIDERATION, **changes)
    _calibrer(consideration)
    _recompter_clause(consideration, type_avant=type_avant, lot_avant=lot_avant)
    if avant != consideration.heures_dues:
        diff["heures_dues"] = [_texte(avant), _texte(consideration.heures_dues)]
    if diff:
        audit(
            guichet=consideration.guichet,
            acteur=acting_user,
            action="consideration.update",
            cible=consideration,
            changements=diff,
        )
    return consideration


@transaction.atomic
def consideration_delete(*, consideration, acting_user) -> None:
    audit(guichet=consideration.guichet, acteur=acting_user, action="consideration.delete", cible=consideration)
    supprimer(consideration, message="Cette considération ne peut pas être supprimée.")
    _recompter_clause(consideration)


def _recompter_clause(consideration, *, type_avant=None, lot_avant=None):
    """An hours clause gives its lot the hours due, the conversion rates and the penalties (domain.md §4)."""
    if TypeConsideration.CLAUSE_HEURES in {consideration.type, type_avant}:
        lots = {consideration.lot_id, lot_avant or consideration.lot_id}
        recalcul_lots_demander(guichet=consideration.guichet, lot_ids=lots)


def _texte(valeur):
    return None if valeur is None else str(valeur)


def entrees_de(consideration, *, lot, montant_attribue=None) -> calibrage.Entrees:
    """The calibration inputs of an hours clause: as typed on it, its lot's amount and sector, the titulaire's
    awarded amount. Raises ``ErreurCalibrage``."""
    c = consideration
    mode = c.mode_calcul or ModeCalcul.FORMULE
    pact = tranche = None
    if mode == ModeCalcul.PACT_PROPRETE:
        pact = calibrage.Pact(
            c.pact_montant_periode, c.pact_duree_mois, c.pact_heures_reprises_mois, c.pact_taux_insertion
        )
    elif mode == ModeCalcul.TRANCHE_FACTUREE:
        tranche = calibrage.Tranche(c.tranche_montant, c.tranche_seuil, c.tranche_montant_facture)
    return calibrage.Entrees(
        mode=mode,
        secteur=lot.secteur or None,
        montant_lot=lot.montant_ht,
        montant_ht=c.montant_ht,
        taux_main_oeuvre=c.taux_main_oeuvre,
        taux_insertion=c.taux_insertion,
        cout_horaire=c.cout_horaire,
        heures_forfait=c.heures_forfait,
        pact=pact,
        tranche=tranche,
        montant_attribue=montant_attribue,
    )


def erreur_calibrage(erreur: calibrage.ErreurCalibrage, champ=None) -> ValidationError:
    """A calibration error as a form or API error, on the clause's field that holds the input."""
    if champ is None:
        champ = CHAMPS_ERREURS_CALIBRAGE.get(erreur.champ, erreur.champ) or NON_FIELD_ERRORS
    return ValidationError({champ: erreur.message})


def _appliquer(consideration, resultat, *, lot, defauts, maintenant):
    """Store the outputs of the calibration, and the labour rate and hourly cost retained (the hours engine
    converts sub-contracting amounts with them, domain.md §4), whatever the mode."""
    c, parametres = consideration, resultat.parametres
    c.heures_dues = resultat.heures_dues
    c.heures_dues_brutes = resultat.heures_dues_brutes
    c.sous_seuil = resultat.sous_seuil
    c.pas_de_clause = resultat.pas_de_clause
    c.explication = resultat.explication_complete
    c.montant_retenu = parametres["montant_ht"].valeur if "montant_ht" in parametres else None
    if "taux_main_oeuvre" in parametres:
        c.taux_main_oeuvre_retenu = parametres["taux_main_oeuvre"].valeur
    else:
        c.taux_main_oeuvre_retenu = c.taux_main_oeuvre or defauts.taux_main_oeuvre.get(lot.secteur)
    c.cout_horaire_retenu = (
        parametres["cout_horaire"].valeur if "cout_horaire" in parametres else (c.cout_horaire or defauts.cout_horaire)
    )
    c.calcule_le = maintenant


def _vider(consideration):
    for champ in SORTIES_CALIBRAGE:
        setattr(consideration, champ, False if champ in {"sous_seuil", "pas_de_clause"} else None)
    consideration.explication = ""


def montant_attribue_du_titulaire(lot):
    attribution = Attribution.objects.filter(lot=lot, role=RoleAttribution.TITULAIRE).first()
    return attribution.montant_ht if attribution else None


def _calibrer(consideration):
    """Calibrate one consideration (an hours clause; the others have no hours) and save its outputs."""
    if consideration.est_clause_heures:
        lot = consideration.lot
        defauts = calibrage.Defauts.depuis(parametres_of(guichet=consideration.guichet))
        try:
            entrees = entrees_de(consideration, lot=lot, montant_attribue=montant_attribue_du_titulaire(lot))
            resultat = calibrage.calibrer(entrees, defauts)
        except calibrage.ErreurCalibrage as erreur:
            raise erreur_calibrage(erreur) from erreur
        _appliquer(consideration, resultat, lot=lot, defauts=defauts, maintenant=timezone.now())
    else:
        _vider(consideration)
    consideration.save(update_fields=[*SORTIES_CALIBRAGE, "maj_le"])


def clauses_recalculer(*, guichet, acting_user, lots=None, champ_erreur=None) -> int:
    """Recompute the hours clauses of ``lots`` (every lot of the guichet when None) after a change of one of
    their inputs outside the clause; write the ones whose outputs changed, with one audit entry each whose hours
    due changed. Returns how many were rewritten. Errors are raised on ``champ_erreur`` (the caller's field)."""
    titulaire = Attribution.objects.filter(lot=OuterRef("lot"), role=RoleAttribution.TITULAIRE)
    clauses = (
        Consideration.objects.filter(guichet=guichet)
        .clauses_heures()
        .select_related("lot")
        .annotate(montant_attribue=Subquery(titulaire.values("montant_ht")[:1]))
        .order_by("pk")
    )
    if lots is not None:
        clauses = clauses.filter(lot__in=lots)
    defauts = calibrage.Defauts.depuis(parametres_of(guichet=guichet))
    maintenant = timezone.now()
    modifiees = []
    for clause in clauses:
        avant = {champ: getattr(clause, champ) for champ in SORTIES_CALIBRAGE if champ != "calcule_le"}
        try:
            entrees = entrees_de(clause, lot=clause.lot, montant_attribue=clause.montant_attribue)
            resultat = calibrage.calibrer(entrees, defauts)
        except calibrage.ErreurCalibrage as erreur:
            message = f"La clause d'heures du {clause.lot} ne peut plus être calculée : {erreur.message}"
            raise ValidationError({champ_erreur or NON_FIELD_ERRORS: message}) from erreur
        _appliquer(clause, resultat, lot=clause.lot, defauts=defauts, maintenant=maintenant)
        if any(getattr(clause, champ) != valeur for champ, valeur in avant.items()):
            modifiees.append(clause)
            if avant["heures_dues"] != clause.heures_dues:
                audit(
                    guichet=guichet,
                    acteur=acting_user,
                    action="consideration.recalcul",
                    cible=clause,
                    heures_dues=[_texte(avant["heures_dues"]), _texte(clause.heures_dues)],
                )
    Consideration.objects.bulk_update(modifiees, SORTIES_CALIBRAGE)
    recalcul_lots_demander(guichet=guichet, lot_ids=[clause.lot_id for clause in modifiees])
    return len(modifiees)


def parametres_recalculer(*, guichet, acting_user, changements) -> int:
    """After a change of the guichet's settings: every hours clause, when a calibration setting changed."""
    if not PARAMETRES_CALIBRAGE & set(changements):
        return 0
    return clauses_recalculer(guichet=guichet, acting_user=acting_user)


# --- Avenants ----------------------------------------------------------------------------------------


def historique(consideration, avenants, *, en_plus=None) -> calibrage.HistoriqueHeures:
    """The history of the hours due of a clause: its calibration, in force from the lot's execution start (from
    the beginning when unknown), then its avenants. Raises ``ErreurCalibrage`` for an inconsistent history."""
    depart = consideration.lot.debut_effectif or date.min
    revisions = [calibrage.Revision(depart, consideration.heures_dues or 0, "Calibrage initial")]
    revisions += [calibrage.Revision(a.date_effet, a.heures_dues, a.motif) for a in avenants]
    if en_plus is not None:
        revisions.append(calibrage.Revision(en_plus.date_effet, en_plus.heures_dues, en_plus.motif))
    return calibrage.HistoriqueHeures(revisions)


def _verifier_avenant(avenant, autres):
    clause = avenant.consideration
    if not clause.est_clause_heures:
        raise ValidationError({"consideration": "Un avenant d'heures ne porte que sur une clause d'heures."})
    if avenant.date_effet is None or avenant.heures_dues is None:
        return  # full_clean says which is missing
    try:
        historique(clause, autres, en_plus=avenant)
    except calibrage.ErreurCalibrage as erreur:
        raise ValidationError({"date_effet": erreur.message}) from erreur


@transaction.atomic
def avenant_create(*, guichet, acting_user, consideration, **data) -> AvenantHeures:
    ensure_same_guichet(guichet, consideration)
    connus = {champ: valeur for champ, valeur in data.items() if champ in CHAMPS_AVENANT}
    _verifier_avenant(AvenantHeures(consideration=consideration, **connus), consideration.avenants.all())
    avenant = creer(AvenantHeures, guichet=guichet, champs=CHAMPS_AVENANT, consideration=consideration, **data)
    recalcul_lots_demander(guichet=guichet, lot_ids=[consideration.lot_id])
    audit(
        guichet=guichet,
        acteur=acting_user,
        action="avenant.create",
        cible=consideration,
        date_effet=str(avenant.date_effet),
        heures_dues=str(avenant.heures_dues),
    )
    return avenant


@transaction.atomic
def avenant_update(*, avenant, acting_user, **changes) -> AvenantHeures:
    ensure_same_guichet(avenant.guichet, changes.get("consideration"))
    actuel = {champ: getattr(avenant, champ) for champ in CHAMPS_AVENANT}
    projet = AvenantHeures(**{**actuel, **{k: v for k, v in changes.items() if k in CHAMPS_AVENANT}})
    _verifier_avenant(projet, projet.consideration.avenants.exclude(pk=avenant.pk))
    modifier_et_auditer(avenant, champs=CHAMPS_AVENANT, action="avenant.update", acting_user=acting_user, **changes)
    recalcul_lots_demander(guichet=avenant.guichet, lot_ids=[avenant.consideration.lot_id])
    return avenant


@transaction.atomic
def avenant_delete(*, avenant, acting_user) -> None:
    audit(
        guichet=avenant.guichet,
        acteur=acting_user,
        action="avenant.delete",
        cible=avenant.consideration,
        date_effet=str(avenant.date_effet),
    )
    avenant.delete()
    recalcul_lots_demander(guichet=avenant.guichet, lot_ids=[avenant.consideration.lot_id])


# --- Attributions ------------------------------------------------------------------------------------


def _apres_attribution(attribution, *, acting_user, avant=None, lot_avant=None):
    """The titulaire's awarded amount is an input of the lot's formula clause (``recalcul_sur_montant_attribue``);
    a new titulaire of a lot (created, or made titulaire, or moved to this lot) awards its marché. The lot's companies
    (the one added, moved or removed included: it still has hours on the lot) are recomputed."""
    recalcul_lots_demander(guichet=attribution.guichet, lot_ids={attribution.lot_id, lot_avant or attribution.lot_id})
    concernee = RoleAttribution.TITULAIRE in {attribution.role, avant}
    if concernee:
        clauses_recalculer(
            guichet=attribution.guichet, acting_user=acting_user, lots=[attribution.lot_id], champ_erreur="montant_ht"
        )
    titulaire = attribution.role == RoleAttribution.TITULAIRE
    if titulaire and (avant != RoleAttribution.TITULAIRE or lot_avant != attribution.lot_id):
        _marche_attribue(attribution, acting_user=acting_user)


def _marche_attribue(attribution, *, acting_user):
    """A titulaire on one of its lots: a marché still programmed or in consultation is awarded (audited as
    ``marche.attribue``, right after the ``attribution.*`` entry); one already further on keeps its status."""
    marche = Marche.objects.select_for_update().get(pk=attribution.lot.marche_id)
    if ORDRE_STATUTS.index(marche.statut) < ORDRE_STATUTS.index(StatutMarche.ATTRIBUE):
        modifier_et_auditer(
            marche,
            champs=CHAMPS_MARCHE,
            action="marche.attribue",
            acting_user=acting_user,
            statut=StatutMarche.ATTRIBUE,
        )


@transaction.atomic
def attribution_create(*, guichet, acting_user, lot, entreprise, **data) -> Attribution:
    """Linking objects of two guichets is refused; a lot has one titulaire."""
    ensure_same_guichet(guichet, lot, entreprise)
    attribution = creer(Attribution, guichet=guichet, champs=CHAMPS_ATTRIBUTION, lot=lot, entreprise=entreprise, **data)
    audit(
        guichet=guichet,
        acteur=acting_user,
        action="attribution.create",
        cible=attribution,
        lot=lot.pk,
        entreprise=entreprise.pk,
        role=attribution.role,
    )
    _apres_attribution(attribution, acting_user=acting_user)
    return attribution


@transaction.atomic
def attribution_update(*, attribution, acting_user, **changes) -> Attribution:
    ensure_same_guichet(attribution.guichet, changes.get("lot"), changes.get("entreprise"))
    avant, lot_avant = attribution.role, attribution.lot_id
    modifier_et_auditer(
        attribution, champs=CHAMPS_ATTRIBUTION, action="attribution.update", acting_user=acting_user, **changes
    )
    _apres_attribution(attribution, acting_user=acting_user, avant=avant, lot_avant=lot_avant)
    if lot_avant != attribution.lot_id and avant == RoleAttribution.TITULAIRE:
        clauses_recalculer(guichet=attribution.guichet, acting_user=acting_user, lots=[lot_avant])
    return attribution


@transaction.atomic
def attribution_delete(*, attribution, acting_user) -> None:
    audit(guichet=attribution.guichet, acteur=acting_user, action="attribution.delete", cible=attribution)
    role = attribution.role
    attribution.delete()
    recalcul_lots_demander(guichet=attribution.guichet, lot_ids=[attribution.lot_id])
    if role == RoleAttribution.TITULAIRE:
        clauses_recalculer(guichet=attribution.guichet, acting_user=acting_user, lots=[attribution.lot_id])
