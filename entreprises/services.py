"""Writes of the entreprises app: the guichet's register of companies and structures inclusives, their contacts,
and their monthly relevés d'heures (lines, submission, validation, corrections, comments, evidence, import,
reminders)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from guichet.audit import audit
from guichet.dates import ajouter_mois, libelle_mois, mois_precedent, premier_jour
from guichet.enums import Role
from guichet.fichiers import supprimer_apres_commit
from guichet.models import Membre, Parametres
from guichet.services import (
    contact_creer,
    contact_modifier,
    creer,
    modifier,
    modifier_et_auditer,
    supprimer,
    tache_lancer,
)
from guichet.tenancy import ensure_same_guichet

from . import decompte
from .controles import CHAMPS_LIGNE, ContexteReleve, controler_ligne, verifier_modifiable
from .enums import RoleContactEntreprise, SourceReleve, StatutLigne, StatutReleve, TypePiece
from .import_releves import lire_releve
from .models import (
    CHAMPS_CONTACT_ENTREPRISE,
    CHAMPS_ENTREPRISE,
    CommentaireReleve,
    ContactEntreprise,
    Entreprise,
    LigneReleve,
    PieceJustificative,
    RelanceReleve,
    Releve,
)
from .selectors import releves_manquants


@transaction.atomic
def entreprise_create(*, guichet, acting_user, **data) -> Entreprise:
    entreprise = creer(Entreprise, guichet=guichet, champs=CHAMPS_ENTREPRISE, **data)
    audit(guichet=guichet, acteur=acting_user, action="entreprise.create", cible=entreprise)
    return entreprise


@transaction.atomic
def entreprise_update(*, entreprise, acting_user, **changes) -> Entreprise:
    modifier_et_auditer(
        entreprise, champs=CHAMPS_ENTREPRISE, action="entreprise.update", acting_user=acting_user, **changes
    )
    return entreprise


@transaction.atomic
def entreprise_delete(*, entreprise, acting_user) -> None:
    """Only a company entered by mistake goes (with its contacts): one holding lots or bound to a member stays."""
    audit(guichet=entreprise.guichet, acteur=acting_user, action="entreprise.delete", cible=entreprise)
    supprimer(entreprise, message="Cette entreprise ne peut pas être supprimée.")


# --- Contacts ----------------------------------------------------------------------------------------


@transaction.atomic
def contact_entreprise_create(*, guichet, acting_user, entreprise, **data) -> ContactEntreprise:
    return contact_creer(
        ContactEntreprise,
        guichet=guichet,
        acting_user=acting_user,
        champs=CHAMPS_CONTACT_ENTREPRISE,
        action="contact_entreprise.create",
        entreprise=entreprise,
        **data,
    )


@transaction.atomic
def contact_entreprise_update(*, contact, acting_user, **changes) -> ContactEntreprise:
    contact_modifier(
        contact,
        champs=CHAMPS_CONTACT_ENTREPRISE,
        action="contact_entreprise.update",
        acting_user=acting_user,
        **changes,
    )
    return contact


@transaction.atomic
def contact_entreprise_delete(*, contact, acting_user) -> None:
    audit(guichet=contact.guichet, acteur=acting_user, action="contact_entreprise.delete", cible=contact)
    contact.delete()


# --- Relevés d'heures ------------------------------------------------------------------------------------
# A company drafts its monthly relevé (web entry, API or import), then submits it; a facilitator accepts or rejects
# each line and validates, which locks it (api.md ``releves/``). Every step writes one audit entry; those about a
# line, a comment or a piece carry ``releve`` in their details, so the relevé's history is one query
# (``selectors.historique_releve``).


def _verrouiller(releve) -> Releve:
    """The relevé, locked for this transaction: two tabs (or a tab and an API client) cannot interleave steps."""
    return Releve.objects.select_for_update().get(pk=releve.pk)


def _lever(erreurs: dict):
    if erreurs:
        raise ValidationError(erreurs)


def _remplir(ligne, ctx, data):
    """Set ``data`` on the line (new or a draft's), check the rules of a line, then the model."""
    inconnus = set(data) - set(CHAMPS_LIGNE)
    if inconnus:
        raise ValidationError(dict.fromkeys(sorted(inconnus), "Ce champ n'existe pas sur une ligne de relevé."))
    for champ, valeur in data.items():
        setattr(ligne, champ, valeur)
    _lever(controler_ligne(ctx, **{champ: getattr(ligne, champ) for champ in CHAMPS_LIGNE}))
    ligne.full_clean()
    return ligne


def _lignes_numerotees(releve, ctx, lignes, existantes=None):
    """Check every line before writing any: the errors of all lines at once, ``"Ligne n : …"`` under ``lignes``.
    A line with the ``id`` of one of ``existantes`` updates it."""
    existantes = existantes or {}
    pretes, messages = [], []
    for rang, data in enumerate(lignes, start=1):
        data = dict(data)
        pk = data.pop("id", None)
        try:
            if pk is not None and pk not in existantes:
                raise ValidationError("cette ligne n'appartient pas à ce relevé.")
            ligne = existantes[pk] if pk is not None else LigneReleve(guichet=releve.guichet, releve=releve)
            pretes.append(_remplir(ligne, ctx, data))
        except ValidationError as error:
            details = error.message_dict.items() if hasattr(error, "error_dict") else [("__all__", error.messages)]
            for champ, textes in details:
                prefixe = "" if champ == "__all__" else f"{champ} : "
                messages += [f"Ligne {rang} : {prefixe}{texte}" for texte in textes]
    if messages:
        raise ValidationError({"lignes": messages})
    return pretes


def _contexte(releve):
    return ContexteReleve.de(entreprise=releve.entreprise, periode=releve.periode)


@transaction.atomic
def releve_create(
    *, guichet, acting_user, entreprise, periode, lignes=(), source=SourceReleve.SAISIE, corrige=None
) -> Releve:
    """A draft relevé of ``entreprise`` for the month of ``periode`` (any day of it), with its first lines."""
    ensure_same_guichet(guichet, entreprise, corrige)
    releve = Releve(
        guichet=guichet,
        entreprise=entreprise,
        periode=premier_jour(periode),
        source=source,
        corrige=corrige,
        cree_par=acting_user if acting_user and acting_user.is_authenticated else None,
    )
    releve.full_clean()
    releve.save()
    LigneReleve.objects.bulk_create(_lignes_numerotees(releve, _contexte(releve), lignes))
    audit(guichet=guichet, acteur=acting_user, action="releve.create", cible=releve, lignes=len(lignes))
    return releve


@transaction.atomic
def releve_lignes_enregistrer(*, releve, acting_user, lignes) -> Releve:
    """Replace the draft's lines by ``lignes`` (the nested ``lignes`` of the API): a line with the ``id`` of one
    of the relevé's lines updates it, one without is added, the lines left out are deleted."""
    releve = _verrouiller(releve)
    verifier_modifiable(releve)
    existantes = {ligne.pk: ligne for ligne in releve.lignes.all()}
    pretes = _lignes_numerotees(releve, _contexte(releve), lignes, existantes)
    gardees = {ligne.pk for ligne in pretes if ligne.pk is not None}
    releve.lignes.exclude(pk__in=gardees).delete()
    for ligne in pretes:
        ligne.save()
    audit(guichet=releve.guichet, acteur=acting_user, action="releve.lignes", cible=releve, lignes=len(pretes))
    return releve


@transaction.atomic
def releve_ligne_ajouter(*, releve, acting_user, **data) -> LigneReleve:
    releve = _verrouiller(releve)
    verifier_modifiable(releve)
    ligne = _remplir(LigneReleve(guichet=releve.guichet, releve=releve), _contexte(releve), data)
    ligne.save()
    audit(guichet=releve.guichet, acteur=acting_user, action="releve.ligne_create", cible=ligne, releve=releve.pk)
    return ligne


@transaction.atomic
def releve_ligne_modifier(*, ligne, acting_user, **changes) -> LigneReleve:
    releve = _verrouiller(ligne.releve)
    verifier_modifiable(releve)
    _lever(controler_ligne(_contexte(releve), **{c: changes.get(c, getattr(ligne, c)) for c in CHAMPS_LIGNE}))
    diff = modifier(ligne, champs=CHAMPS_LIGNE, **changes)
    if diff:
        audit(
            guichet=releve.guichet,
            acteur=acting_user,
            action="releve.ligne_update",
            cible=ligne,
            releve=releve.pk,
            changements=diff,
        )
    return ligne


@transaction.atomic
def releve_ligne_supprimer(*, ligne, acting_user) -> None:
    releve = _verrouiller(ligne.releve)
    verifier_modifiable(releve)
    audit(guichet=releve.guichet, acteur=acting_user, action="releve.ligne_delete", cible=ligne, releve=releve.pk)
    ligne.delete()


@transaction.atomic
def releve_delete(*, releve, acting_user) -> None:
    """Only a draft goes (with its lines, pieces and comments): once submitted, it is part of the record."""
    releve = _verrouiller(releve)
    verifier_modifiable(releve)
    audit(guichet=releve.guichet, acteur=acting_user, action="releve.delete", cible=releve)
    releve.delete()


@transaction.atomic
def releve_submit(*, releve, acting_user) -> Releve:
    releve = _verrouiller(releve)
    verifier_modifiable(releve)
    _soumettre(releve, acting_user)
    return releve


def _soumettre(releve, acting_user):
    if not releve.lignes.exists():
        raise ValidationError("Ajoutez au moins une ligne avant de soumettre le relevé.")
    releve.statut = StatutReleve.SOUMIS
    releve.soumis_par, releve.soumis_le = acting_user, timezone.now()
    releve.save(update_fields=["statut", "soumis_par", "soumis_le"])
    audit(guichet=releve.guichet, acteur=acting_user, action="releve.submit", cible=releve)


def _verifier_soumis(releve):
    if releve.statut != StatutReleve.SOUMIS:
        raise ValidationError("Seul un relevé soumis se valide ou se rejette ligne à ligne.")


def _motif(motif):
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif du rejet : l'entreprise le lira."})
    return motif


@transaction.atomic
def releve_ligne_decider(*, ligne, acting_user, rejet, motif="") -> LigneReleve:
    """The facilitator's decision on one line of a submitted relevé, before validating the rest: rejected with its
    reason, or accepted (which also undoes a rejection)."""
    releve = _verrouiller(ligne.releve)
    _verifier_soumis(releve)
    ligne.statut = StatutLigne.REJETE if rejet else StatutLigne.VALIDE
    ligne.motif_rejet = _motif(motif) if rejet else ""
    ligne.save(update_fields=["statut", "motif_rejet"])
    action = "releve.ligne_rejet" if rejet else "releve.ligne_acceptation"
    audit(
        guichet=releve.guichet,
        acteur=acting_user,
        action=action,
        cible=ligne,
        releve=releve.pk,
        motif=ligne.motif_rejet,
    )
    return ligne


@transaction.atomic
def releve_validate(*, releve, acting_user, rejets=()) -> Releve:
    """Validate a submitted relevé (a draft is submitted on the way): the lines of ``rejets``
    (``[{"ligne": id or line, "motif": "…"}]``) and those already rejected one by one are rejected, every other line
    is validated; the relevé is then ``valide`` (``rejete`` when no line is left) and locked."""
    releve = _verrouiller(releve)
    if releve.statut == StatutReleve.BROUILLON:
        # A facilitator who typed a paper relevé validates it at once: it is submitted on the way.
        _soumettre(releve, acting_user)
    if releve.statut != StatutReleve.SOUMIS:
        raise ValidationError("Ce relevé est déjà validé : corrigez-le par un nouveau relevé (« Corriger »).")
    lignes = {ligne.pk: ligne for ligne in releve.lignes.all()}
    motifs, erreurs = {}, []
    for rejet in rejets:
        cle = getattr(rejet.get("ligne"), "pk", rejet.get("ligne"))
        if cle not in lignes:
            erreurs.append(f"La ligne {cle} n'appartient pas à ce relevé.")
        elif not (rejet.get("motif") or "").strip():
            erreurs.append(f"Indiquez le motif du rejet de la ligne {cle}.")
        else:
            motifs[cle] = rejet["motif"].strip()
    if erreurs:
        raise ValidationError({"rejets": erreurs})
    for pk, ligne in lignes.items():
        if pk in motifs:
            ligne.statut, ligne.motif_rejet = StatutLigne.REJETE, motifs[pk]
        elif ligne.statut != StatutLigne.REJETE:
            ligne.statut, ligne.motif_rejet = StatutLigne.VALIDE, ""
    LigneReleve.objects.bulk_update(lignes.values(), ["statut", "motif_rejet"], batch_size=2000)
    rejetees = sum(ligne.statut == StatutLigne.REJETE for ligne in lignes.values())
    releve.statut = StatutReleve.REJETE if rejetees == len(lignes) else StatutReleve.VALIDE
    releve.valide_par, releve.valide_le = acting_user, timezone.now()
    releve.save(update_fields=["statut", "valide_par", "valide_le"])
    audit(
        guichet=releve.guichet,
        acteur=acting_user,
        action="releve.validate",
        cible=releve,
        validees=len(lignes) - rejetees,
        rejetees=rejetees,
    )
    # The company's counting and ventilation are recomputed once this validation commits (api.md: "the same
    # recompute also runs on commit after each validation").
    decompte.recalcul_demander(guichet=releve.guichet, entreprise_id=releve.entreprise_id)
    return releve


@transaction.atomic
def releve_corriger(*, releve, acting_user) -> Releve:
    """A validated (or rejected) relevé is locked: its correction is a new draft of the same month carrying a copy
    of its lines, linked by ``corrige``. Once validated, the correction replaces it (``LigneReleve.validees``)."""
    releve = _verrouiller(releve)
    if releve.statut not in {StatutReleve.VALIDE, StatutReleve.REJETE}:
        raise ValidationError("Seul un relevé validé ou rejeté se corrige ; un brouillon se modifie directement.")
    if releve.corrections.ouverts().exists():
        raise ValidationError("Une correction de ce relevé est déjà en cours.")
    lignes = [{champ: getattr(ligne, champ) for champ in CHAMPS_LIGNE} for ligne in releve.lignes.all()]
    correction = releve_create(
        guichet=releve.guichet,
        acting_user=acting_user,
        entreprise=releve.entreprise,
        periode=releve.periode,
        lignes=lignes,
        source=releve.source,
        corrige=releve,
    )
    audit(
        guichet=releve.guichet, acteur=acting_user, action="releve.correction", cible=releve, correction=correction.pk
    )
    return correction


@transaction.atomic
def releve_commenter(*, releve, acting_user, texte) -> CommentaireReleve:
    """A message between the facilitator and the company, kept with the relevé."""
    commentaire = CommentaireReleve(guichet=releve.guichet, releve=releve, auteur=acting_user, texte=texte.strip())
    commentaire.full_clean()
    commentaire.save()
    audit(guichet=releve.guichet, acteur=acting_user, action="releve.commentaire", cible=commentaire, releve=releve.pk)
    return commentaire


def _verifier_pieces_ouvertes(releve):
    if releve.statut not in {StatutReleve.BROUILLON, StatutReleve.SOUMIS}:
        raise ValidationError("Les pièces d'un relevé validé ne changent plus.")


@transaction.atomic
def piece_deposer(*, releve, acting_user, fichier, type=TypePiece.AUTRE, ligne=None) -> PieceJustificative:
    """Evidence (payslip, attestation, invoice), stored privately, while the relevé is a draft or awaits validation."""
    releve = _verrouiller(releve)
    _verifier_pieces_ouvertes(releve)
    if ligne is not None and ligne.releve_id != releve.pk:
        raise ValidationError({"ligne": "Cette ligne n'appartient pas à ce relevé."})
    piece = PieceJustificative(
        guichet=releve.guichet, releve=releve, ligne=ligne, type=type, fichier=fichier, depose_par=acting_user
    )
    piece.full_clean()
    piece.save()
    audit(guichet=releve.guichet, acteur=acting_user, action="releve.piece", cible=piece, releve=releve.pk)
    return piece


@transaction.atomic
def piece_supprimer(*, piece, acting_user) -> None:
    releve = _verrouiller(piece.releve)
    _verifier_pieces_ouvertes(releve)
    audit(guichet=releve.guichet, acteur=acting_user, action="releve.piece_suppression", cible=piece, releve=releve.pk)
    supprimer_apres_commit(piece.fichier.name, storage=piece.fichier.storage)
    piece.delete()


@transaction.atomic
def releve_importer(*, guichet, acting_user, entreprise, periode, fichier) -> Releve:
    """A draft relevé read from an XLSX or CSV file (``import_releves``). Every row is read and checked before
    anything is written: a single fault raises ``ErreursImport`` with the whole report, and nothing is written.

    The lines are written in bulk, without ``full_clean`` one by one (a query per foreign key and per constraint,
    10 000 times): the reader checked each value, ``controler_ligne`` each line's rules on objects it looked up in
    this guichet, and the database's CHECK constraints still stand behind them."""
    ensure_same_guichet(guichet, entreprise)
    periode = premier_jour(periode)
    lignes = lire_releve(fichier=fichier, entreprise=entreprise, periode=periode)
    releve = releve_create(
        guichet=guichet, acting_user=acting_user, entreprise=entreprise, periode=periode, source=SourceReleve.IMPORT
    )
    LigneReleve.objects.bulk_create(
        [LigneReleve(guichet=guichet, releve=releve, **ligne) for ligne in lignes], batch_size=2000
    )
    audit(
        guichet=guichet,
        acteur=acting_user,
        action="releve.import",
        cible=releve,
        fichier=getattr(fichier, "name", "")[:200],
        lignes=len(lignes),
    )
    return releve


# --- Reminders ---------------------------------------------------------------------------------------------


def _destinataires_relance(entreprise) -> list[str]:
    """Who receives a company's reminder: its active members, and its contacts in charge of the relevés (the
    principal contact, payroll and administration)."""
    membres = Membre.objects.filter(
        entreprise=entreprise, role=Role.ENTREPRISE, actif=True, utilisateur__is_active=True
    ).values_list("utilisateur__email", flat=True)
    contacts = (
        entreprise.contacts.exclude(email="")
        .filter(Q(principal=True) | Q(role=RoleContactEntreprise.ADMINISTRATIF))
        .values_list("email", flat=True)
    )
    return sorted({email.lower() for email in [*membres, *contacts]})


@transaction.atomic
def releves_relancer(*, guichet, aujourdhui) -> list[RelanceReleve]:
    """Past the guichet's deadline day (``jour_limite_releve``) of a month, remind by email every company that owes
    hours on a lot running in the previous month and has not submitted that month's relevé
    (``selectors.releves_manquants``). One reminder per company and month (``RelanceReleve``): the daily job
    may run again, nothing is sent twice. The emails leave once the reminders are committed."""
    limite = Parametres.objects.get(guichet=guichet).jour_limite_releve
    if aujourdhui.day <= limite:
        return []
    periode = mois_precedent(aujourdhui)
    deja = RelanceReleve.objects.filter(entreprise=OuterRef("pk"), periode=periode)
    envois = []
    for entreprise in releves_manquants(guichet=guichet, periode=periode).exclude(Exists(deja)):
        destinataires = _destinataires_relance(entreprise)
        relance, creee = RelanceReleve.objects.get_or_create(
            guichet=guichet, entreprise=entreprise, periode=periode, defaults={"destinataires": len(destinataires)}
        )
        if creee:  # a concurrent run may have reminded it in between
            audit(
                guichet=guichet,
                acteur=None,
                action="releve.relance",
                cible=entreprise,
                periode=periode.isoformat(),
                destinataires=len(destinataires),
            )
            envois.append((relance, destinataires))
    if envois:
        echeance = ajouter_mois(periode, 1).replace(day=limite)
        transaction.on_commit(lambda: envoyer_relances(guichet, envois, echeance))
    return [relance for relance, _ in envois]


def envoyer_relances(guichet, envois, echeance):
    lien = settings.SITE_URL + reverse("mon_espace", kwargs={"guichet_slug": guichet.slug})
    messages = []
    for relance, destinataires in envois:
        contexte = {"guichet": guichet, "relance": relance, "echeance": echeance, "lien": lien}
        sujet = f"Relevé d'heures de {libelle_mois(relance.periode)} à envoyer – {guichet.nom}"
        corps = render_to_string("emails/releve_relance.txt", contexte)
        messages += [EmailMessage(subject=sujet, body=corps, to=[email]) for email in destinataires]
    get_connection().send_messages(messages)


# --- The hours recompute ---------------------------------------------------------------------------------


def recalcul_lancer(*, guichet, entreprise=None, acting_user):
    """Recompute one company (or the whole guichet) in the background (``recalculs/``, the company's page): a task
    to follow in ``taches/``."""
    from .tasks import decompte_entreprise, decompte_guichet

    if entreprise is None:
        return tache_lancer(
            guichet=guichet, task=decompte_guichet, libelle="Recalcul des heures du guichet", acting_user=acting_user
        )
    ensure_same_guichet(guichet, entreprise)
    return tache_lancer(
        guichet=guichet,
        task=decompte_entreprise,
        args=(entreprise.pk,),
        libelle=f"Recalcul des heures de {entreprise}",
        acting_user=acting_user,
    )
