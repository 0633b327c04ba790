"""Writes of the publics app: prescribers, the criteria list, beneficiaries (and the merge of duplicates),
eligibility decisions, positionings, work contracts, outcomes, the access log, the right-of-access export and the
retention job (domain.md §6, §7, §10)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from entreprises.decompte import recalcul_demander
from guichet.audit import audit
from guichet.dates import ajouter_mois
from guichet.fichiers import nom_fichier, supprimer_apres_commit
from guichet.models import Parametres
from guichet.services import contact_creer, contact_modifier, creer, modifier_et_auditer, supprimer
from guichet.tenancy import ensure_same_guichet

from .enums import Critere, Modalite, ObjetAcces, StatutPositionnement
from .models import (
    CHAMPS_BENEFICIAIRE,
    CHAMPS_CONTACT_PRESCRIPTEUR,
    CHAMPS_CONTRAT,
    CHAMPS_ELIGIBILITE,
    CHAMPS_POSITIONNEMENT,
    CHAMPS_PRESCRIPTEUR,
    CHAMPS_SORTIE,
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

# --- Prescribers ---------------------------------------------------------------------------------------


@transaction.atomic
def prescripteur_create(*, guichet, acting_user, **data) -> Prescripteur:
    prescripteur = creer(Prescripteur, guichet=guichet, champs=CHAMPS_PRESCRIPTEUR, **data)
    audit(guichet=guichet, acteur=acting_user, action="prescripteur.create", cible=prescripteur)
    return prescripteur


@transaction.atomic
def prescripteur_update(*, prescripteur, acting_user, **changes) -> Prescripteur:
    modifier_et_auditer(
        prescripteur, champs=CHAMPS_PRESCRIPTEUR, action="prescripteur.update", acting_user=acting_user, **changes
    )
    return prescripteur


@transaction.atomic
def prescripteur_delete(*, prescripteur, acting_user) -> None:
    """The people it oriented keep its name (their ``prescripteur`` text); the link is dropped."""
    audit(guichet=prescripteur.guichet, acteur=acting_user, action="prescripteur.delete", cible=prescripteur)
    supprimer(prescripteur, message="Ce prescripteur ne peut pas être supprimé.")


@transaction.atomic
def contact_prescripteur_create(*, guichet, acting_user, prescripteur, **data) -> ContactPrescripteur:
    return contact_creer(
        ContactPrescripteur,
        guichet=guichet,
        acting_user=acting_user,
        champs=CHAMPS_CONTACT_PRESCRIPTEUR,
        action="contact_prescripteur.create",
        prescripteur=prescripteur,
        **data,
    )


@transaction.atomic
def contact_prescripteur_update(*, contact, acting_user, **changes) -> ContactPrescripteur:
    contact_modifier(
        contact,
        champs=CHAMPS_CONTACT_PRESCRIPTEUR,
        action="contact_prescripteur.update",
        acting_user=acting_user,
        **changes,
    )
    return contact


@transaction.atomic
def contact_prescripteur_delete(*, contact, acting_user) -> None:
    audit(guichet=contact.guichet, acteur=acting_user, action="contact_prescripteur.delete", cible=contact)
    contact.delete()


# --- The guichet's criteria list (domain.md §6: each guichet keeps its own, versioned) ---------------------


def criteres_initialiser(*, guichet, acting_user=None):
    """The defaults of domain.md §6, once per guichet, and their first version."""
    if CritereEligibilite.objects.filter(guichet=guichet).exists():
        return
    CritereEligibilite.objects.bulk_create(
        CritereEligibilite(guichet=guichet, code=code, libelle=libelle, ordre=n)
        for n, (code, libelle) in enumerate(Critere.choices)
    )
    _nouvelle_revision(guichet=guichet, acting_user=acting_user)


def _nouvelle_revision(*, guichet, acting_user):
    derniere = RevisionCriteres.objects.filter(guichet=guichet).order_by("-numero").first()
    criteres = [
        {"code": c.code, "libelle": c.libelle, "actif": c.actif}
        for c in CritereEligibilite.objects.filter(guichet=guichet).order_by("ordre", "code")
    ]
    return RevisionCriteres.objects.create(
        guichet=guichet,
        numero=(derniere.numero + 1) if derniere else 1,
        criteres=criteres,
        cree_par=acting_user if acting_user is not None and acting_user.is_authenticated else None,
    )


@transaction.atomic
def critere_update(*, critere, acting_user, **changes) -> CritereEligibilite:
    """A criterion reworded or switched on or off: the list gets a new version (decisions keep theirs)."""
    diff = modifier_et_auditer(
        critere, champs=["libelle", "actif", "ordre"], action="critere.update", acting_user=acting_user, **changes
    )
    if diff:
        _nouvelle_revision(guichet=critere.guichet, acting_user=acting_user)
    return critere


def revision_courante(*, guichet):
    criteres_initialiser(guichet=guichet)
    return RevisionCriteres.objects.filter(guichet=guichet).order_by("-numero").first()


# --- Beneficiaries -------------------------------------------------------------------------------------


@transaction.atomic
def beneficiaire_create(*, guichet, acting_user, **data) -> Beneficiaire:
    ensure_same_guichet(guichet, data.get("prescripteur_organisme"))
    beneficiaire = creer(Beneficiaire, guichet=guichet, champs=CHAMPS_BENEFICIAIRE, **data)
    audit(guichet=guichet, acteur=acting_user, action="beneficiaire.create", cible=beneficiaire)
    return beneficiaire


@transaction.atomic
def beneficiaire_update(*, beneficiaire, acting_user, **changes) -> Beneficiaire:
    ensure_same_guichet(beneficiaire.guichet, changes.get("prescripteur_organisme"))
    if beneficiaire.anonymise_le:
        raise ValidationError("Cette personne a été anonymisée : ses données ne se modifient plus.")
    modifier_et_auditer(
        beneficiaire, champs=CHAMPS_BENEFICIAIRE, action="beneficiaire.update", acting_user=acting_user, **changes
    )
    return beneficiaire


@transaction.atomic
def beneficiaire_delete(*, beneficiaire, acting_user) -> None:
    """A person entered by mistake; one with contracts stays (anonymised in time by the retention job)."""
    fichiers = list(
        Eligibilite.objects.filter(beneficiaire=beneficiaire)
        .exclude(justificatif="")
        .values_list("justificatif", flat=True)
    )
    audit(guichet=beneficiaire.guichet, acteur=acting_user, action="beneficiaire.delete", cible=beneficiaire)
    supprimer(beneficiaire, message="Cette personne ne peut pas être supprimée.")
    supprimer_apres_commit(*fichiers)


@transaction.atomic
def beneficiaire_fusionner(*, garde, doublon, acting_user) -> Beneficiaire:
    """Merge a duplicate into the person kept: eligibilities, positionings, contracts and access-log entries move
    to ``garde`` (the history stays whole), the blanks of ``garde`` are filled from ``doublon``, which goes."""
    ensure_same_guichet(garde.guichet, doublon)
    if garde.pk == doublon.pk:
        raise ValidationError("Choisissez deux personnes différentes.")
    if garde.anonymise_le or doublon.anonymise_le:
        raise ValidationError("Une personne anonymisée ne se fusionne pas.")
    deplaces = {
        "eligibilites": Eligibilite.objects.filter(beneficiaire=doublon).update(beneficiaire=garde),
        "positionnements": Positionnement.objects.filter(beneficiaire=doublon).update(beneficiaire=garde),
        "contrats": Contrat.objects.filter(beneficiaire=doublon).update(beneficiaire=garde),
        "acces": AccesDonnees.objects.filter(beneficiaire=doublon).update(beneficiaire=garde),
    }
    completes = []
    for champ in ("commune", "code_postal", "prescripteur", "prescripteur_organisme", "notes"):
        if not getattr(garde, champ) and getattr(doublon, champ):
            setattr(garde, champ, getattr(doublon, champ))
            completes.append(champ)
    if doublon.date_entree < garde.date_entree:
        garde.date_entree = doublon.date_entree
        completes.append("date_entree")
    garde.full_clean()
    garde.save()
    audit(
        guichet=garde.guichet,
        acteur=acting_user,
        action="beneficiaire.merge",
        cible=garde,
        doublon_id=doublon.pk,
        deplaces=deplaces,
        completes=completes,
    )
    doublon.delete()
    _recompter_personne(garde)
    return garde


# --- Eligibility (domain.md §6) ------------------------------------------------------------------------


def _verifier_criteres(guichet, criteres, anciens=()):
    """Codes of the guichet's list, switched on (a decision already taken keeps the criteria of its time)."""
    actifs = set(CritereEligibilite.objects.filter(guichet=guichet, actif=True).values_list("code", flat=True)) | set(
        anciens
    )
    refuses = sorted(set(criteres or []) - actifs - set(anciens))
    if refuses:
        raise ValidationError({"criteres": f"Critère absent de la liste du guichet : {', '.join(refuses)}."})


def _fin_de_validite(guichet, date_validation):
    mois = Parametres.objects.get(guichet=guichet).validite_eligibilite_mois
    return ajouter_mois(date_validation, mois)


def _apres_validation(eligibilite):
    """The scanned proof goes once the decision is validated, when the guichet's setting says so: its metadata (type,
    date) stay (GDPR art. 5, data minimisation)."""
    if not eligibilite.justificatif or not eligibilite.date_validation:
        return
    if Parametres.objects.get(guichet=eligibilite.guichet_id).supprimer_justificatif_valide:
        nom = eligibilite.justificatif.name
        eligibilite.justificatif = ""
        eligibilite.justificatif_supprime_le = timezone.now()
        eligibilite.save(update_fields=["justificatif", "justificatif_supprime_le"])
        supprimer_apres_commit(nom)


@transaction.atomic
def eligibilite_create(*, guichet, acting_user, beneficiaire, **data) -> Eligibilite:
    """A decision: validated at once when it has a ``date_validation`` (its end defaults to the setting
    ``validite_eligibilite_mois``), else it awaits validation with its proof."""
    ensure_same_guichet(guichet, beneficiaire)
    if beneficiaire.anonymise_le:
        raise ValidationError("Cette personne a été anonymisée.")
    criteres_initialiser(guichet=guichet, acting_user=acting_user)
    _verifier_criteres(guichet, data.get("criteres"))
    attributs = {"revision_criteres": revision_courante(guichet=guichet)}
    if data.get("date_validation"):
        attributs["valide_par"] = acting_user if acting_user is not None and acting_user.is_authenticated else None
        if not data.get("valide_jusqu_au"):
            data["valide_jusqu_au"] = _fin_de_validite(guichet, data["date_validation"])
    else:
        data["valide_jusqu_au"] = None
    eligibilite = creer(
        Eligibilite,
        guichet=guichet,
        champs=CHAMPS_ELIGIBILITE,
        attributs=attributs,
        beneficiaire=beneficiaire,
        **data,
    )
    audit(
        guichet=guichet,
        acteur=acting_user,
        action="eligibilite.create",
        cible=eligibilite,
        beneficiaire=beneficiaire.pk,
        validee=eligibilite.est_validee,
    )
    _apres_validation(eligibilite)
    _recompter_personne(eligibilite.beneficiaire)
    return eligibilite


@transaction.atomic
def eligibilite_valider(*, eligibilite, acting_user, date_validation=None, valide_jusqu_au=None) -> Eligibilite:
    if eligibilite.est_validee:
        raise ValidationError("Cette éligibilité est déjà validée.")
    eligibilite.date_validation = date_validation or timezone.localdate()
    eligibilite.valide_jusqu_au = valide_jusqu_au or _fin_de_validite(eligibilite.guichet, eligibilite.date_validation)
    eligibilite.valide_par = acting_user if acting_user is not None and acting_user.is_authenticated else None
    eligibilite.full_clean()
    eligibilite.save()
    audit(guichet=eligibilite.guichet, acteur=acting_user, action="eligibilite.validate", cible=eligibilite)
    _apres_validation(eligibilite)
    _recompter_personne(eligibilite.beneficiaire)
    return eligibilite


@transaction.atomic
def eligibilite_update(*, eligibilite, acting_user, **changes) -> Eligibilite:
    if "beneficiaire" in changes and changes["beneficiaire"].pk != eligibilite.beneficiaire_id:
        raise ValidationError({"beneficiaire": "Une décision ne change pas de personne."})
    changes.pop("beneficiaire", None)
    if "criteres" in changes:
        _verifier_criteres(eligibilite.guichet, changes["criteres"], anciens=eligibilite.criteres)
    ancien = eligibilite.justificatif.name if "justificatif" in changes else None
    modifier_et_auditer(
        eligibilite, champs=CHAMPS_ELIGIBILITE, action="eligibilite.update", acting_user=acting_user, **changes
    )
    if ancien and ancien != eligibilite.justificatif.name:
        supprimer_apres_commit(ancien)
    _apres_validation(eligibilite)
    _recompter_personne(eligibilite.beneficiaire)
    return eligibilite


@transaction.atomic
def eligibilite_delete(*, eligibilite, acting_user) -> None:
    nom = eligibilite.justificatif.name if eligibilite.justificatif else None
    audit(guichet=eligibilite.guichet, acteur=acting_user, action="eligibilite.delete", cible=eligibilite)
    eligibilite.delete()
    supprimer_apres_commit(nom)
    _recompter_personne(eligibilite.beneficiaire)


def _recompter_personne(beneficiaire):
    """Whether a contract's hours count depends on the person's eligibility at its start (domain.md §4): recompute
    the companies of the person's contracts once the change is committed."""
    entreprises = set(Contrat.objects.filter(beneficiaire=beneficiaire).values_list("entreprise_id", flat=True))
    for entreprise_id in sorted(entreprises):
        recalcul_demander(guichet=beneficiaire.guichet, entreprise_id=entreprise_id)


# --- Positionings ----------------------------------------------------------------------------------------


@transaction.atomic
def positionnement_create(*, guichet, acting_user, **data) -> Positionnement:
    ensure_same_guichet(guichet, data.get("beneficiaire"), data.get("entreprise"), data.get("lot"))
    positionnement = creer(Positionnement, guichet=guichet, champs=CHAMPS_POSITIONNEMENT, **data)
    audit(guichet=guichet, acteur=acting_user, action="positionnement.create", cible=positionnement)
    return positionnement


@transaction.atomic
def positionnement_update(*, positionnement, acting_user, **changes) -> Positionnement:
    liens = (changes.get("beneficiaire"), changes.get("entreprise"), changes.get("lot"))
    ensure_same_guichet(positionnement.guichet, *liens)
    if changes.get("statut") == StatutPositionnement.EMBAUCHE and not positionnement.contrat_id:
        raise ValidationError({"statut": "L'embauche s'enregistre avec son contrat (action « embaucher »)."})
    modifier_et_auditer(
        positionnement,
        champs=CHAMPS_POSITIONNEMENT,
        action="positionnement.update",
        acting_user=acting_user,
        **changes,
    )
    return positionnement


@transaction.atomic
def positionnement_embaucher(*, positionnement, acting_user, **contrat) -> Contrat:
    """The company hires the person: the work contract is created from the positioning (its person, company and
    lot), which becomes ``embauche``."""
    if positionnement.contrat_id:
        raise ValidationError("Ce positionnement a déjà donné lieu à un contrat.")
    contrat.setdefault("lot", positionnement.lot)
    contrat.setdefault("poste", positionnement.poste)
    nouveau = contrat_create(
        guichet=positionnement.guichet,
        acting_user=acting_user,
        beneficiaire=positionnement.beneficiaire,
        entreprise=positionnement.entreprise,
        **contrat,
    )
    positionnement.statut = StatutPositionnement.EMBAUCHE
    positionnement.contrat = nouveau
    positionnement.motif_non_retenu = ""
    positionnement.save(update_fields=["statut", "contrat", "motif_non_retenu"])
    audit(
        guichet=positionnement.guichet,
        acteur=acting_user,
        action="positionnement.hire",
        cible=positionnement,
        contrat=nouveau.pk,
    )
    return nouveau


@transaction.atomic
def positionnement_delete(*, positionnement, acting_user) -> None:
    audit(guichet=positionnement.guichet, acteur=acting_user, action="positionnement.delete", cible=positionnement)
    positionnement.delete()


# --- Work contracts and outcomes ---------------------------------------------------------------------------


def _verifier_contrat(guichet, data):
    ensure_same_guichet(guichet, *(data.get(c) for c in ("beneficiaire", "entreprise", "structure", "lot")))
    if data.get("modalite") == Modalite.MISE_A_DISPOSITION and data.get("structure") is not None:
        from entreprises.enums import TypeStructure

        if data["structure"].type_structure not in {
            TypeStructure.ETTI,
            TypeStructure.AI,
            TypeStructure.GEIQ,
            TypeStructure.ETT,
            TypeStructure.EATT,
        }:
            raise ValidationError(
                {"structure": "La mise à disposition passe par une ETTI, une AI, un GEIQ, une ETT ou une EATT."}
            )


@transaction.atomic
def contrat_create(*, guichet, acting_user, **data) -> Contrat:
    _verifier_contrat(guichet, data)
    if data.get("beneficiaire") is not None and data["beneficiaire"].anonymise_le:
        raise ValidationError({"beneficiaire": "Cette personne a été anonymisée."})
    contrat = creer(Contrat, guichet=guichet, champs=CHAMPS_CONTRAT, **data)
    audit(guichet=guichet, acteur=acting_user, action="contrat.create", cible=contrat)
    recalcul_demander(guichet=guichet, entreprise_id=contrat.entreprise_id)
    return contrat


@transaction.atomic
def contrat_update(*, contrat, acting_user, **changes) -> Contrat:
    merged = {
        "modalite": contrat.modalite,
        "structure": contrat.structure,
        **changes,
    }
    _verifier_contrat(contrat.guichet, merged)
    avant = contrat.entreprise_id
    modifier_et_auditer(contrat, champs=CHAMPS_CONTRAT, action="contrat.update", acting_user=acting_user, **changes)
    for entreprise_id in sorted({avant, contrat.entreprise_id}):
        recalcul_demander(guichet=contrat.guichet, entreprise_id=entreprise_id)
    return contrat


@transaction.atomic
def contrat_delete(*, contrat, acting_user) -> None:
    audit(guichet=contrat.guichet, acteur=acting_user, action="contrat.delete", cible=contrat)
    supprimer(contrat, message="Ce contrat ne peut pas être supprimé.")
    recalcul_demander(guichet=contrat.guichet, entreprise_id=contrat.entreprise_id)


@transaction.atomic
def sortie_create(*, guichet, acting_user, **data) -> Sortie:
    ensure_same_guichet(guichet, data.get("contrat"))
    sortie = creer(Sortie, guichet=guichet, champs=CHAMPS_SORTIE, **data)
    audit(guichet=guichet, acteur=acting_user, action="sortie.create", cible=sortie)
    return sortie


@transaction.atomic
def sortie_update(*, sortie, acting_user, **changes) -> Sortie:
    ensure_same_guichet(sortie.guichet, changes.get("contrat"))
    modifier_et_auditer(sortie, champs=CHAMPS_SORTIE, action="sortie.update", acting_user=acting_user, **changes)
    return sortie


@transaction.atomic
def sortie_delete(*, sortie, acting_user) -> None:
    audit(guichet=sortie.guichet, acteur=acting_user, action="sortie.delete", cible=sortie)
    sortie.delete()


# --- Personal data (domain.md §10) --------------------------------------------------------------------------


def acces_enregistrer(*, guichet, utilisateur, beneficiaires, objet=ObjetAcces.ELIGIBILITE):
    """One access-log entry per person whose eligibility (or whole record) was read. ``beneficiaires``: ids."""
    user = utilisateur if utilisateur is not None and utilisateur.is_authenticated else None
    AccesDonnees.objects.bulk_create(
        AccesDonnees(guichet=guichet, utilisateur=user, beneficiaire_id=pk, objet=objet)
        for pk in dict.fromkeys(beneficiaires)
    )


@transaction.atomic
def beneficiaire_exporter(*, beneficiaire, acting_user) -> dict:
    """Right of access (GDPR art. 15): everything held on one person, as plain JSON; logged and audited."""
    from . import selectors

    donnees = selectors.donnees_personne(beneficiaire=beneficiaire)
    acces_enregistrer(
        guichet=beneficiaire.guichet, utilisateur=acting_user, beneficiaires=[beneficiaire.pk], objet=ObjetAcces.EXPORT
    )
    audit(guichet=beneficiaire.guichet, acteur=acting_user, action="beneficiaire.export", cible=beneficiaire)
    return donnees


ANONYME = "Anonyme"


@transaction.atomic
def beneficiaires_anonymiser(*, guichet, aujourdhui, acting_user=None, simulation=True) -> dict:
    """The retention job (domain.md §10): people inactive for ``conservation_mois`` months are anonymised; what the
    aggregates need stays (birth year, sex, level, QPV, postcode, contracts and outcomes), identity and proofs go.
    ``simulation`` only reports who would be."""
    from . import selectors

    personnes = list(selectors.beneficiaires_a_anonymiser(guichet=guichet, aujourdhui=aujourdhui))
    rapport = {
        "date": aujourdhui.isoformat(),
        "simulation": simulation,
        "limite": selectors.limite_conservation(guichet=guichet, aujourdhui=aujourdhui).isoformat(),
        "personnes": len(personnes),
        "identifiants": [p.pk for p in personnes],
    }
    if simulation or not personnes:
        return rapport
    ids = [p.pk for p in personnes]
    fichiers = list(
        Eligibilite.objects.filter(beneficiaire__in=ids).exclude(justificatif="").values_list("justificatif", flat=True)
    )
    Eligibilite.objects.filter(beneficiaire__in=ids).update(
        justificatif="", commentaire="", justificatif_supprime_le=timezone.now()
    )
    Sortie.objects.filter(contrat__beneficiaire__in=ids).update(detail="")
    Positionnement.objects.filter(beneficiaire__in=ids).update(motif_non_retenu="")
    maintenant = timezone.now()
    for personne in personnes:
        personne.nom = ANONYME
        personne.prenom = ""
        # The birth year stays for the age bands of the reports (domain.md §9).
        personne.date_naissance = personne.date_naissance.replace(month=1, day=1)
        personne.commune = ""
        personne.prescripteur = ""
        personne.notes = ""
        personne.anonymise_le = maintenant
    Beneficiaire.objects.bulk_update(
        personnes, ["nom", "prenom", "date_naissance", "commune", "prescripteur", "notes", "anonymise_le"]
    )
    supprimer_apres_commit(*fichiers)
    audit(
        guichet=guichet,
        acteur=acting_user,
        action="beneficiaires.anonymise",
        cible=guichet,
        personnes=len(personnes),
        limite=rapport["limite"],
    )
    return rapport


def nom_justificatif(eligibilite):
    return nom_fichier(eligibilite.justificatif)
