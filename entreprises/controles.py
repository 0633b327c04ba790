"""The rules a line of a relevé must follow to be saved (api.md ``releves/``, domain.md §4), in one place for the
web entry, the API and the import. What merely looks odd (a person not eligible, dates outside the lot's window,
too many hours, overlaps) is a warning, not a rule: see ``avertissements``.

Rules:

* a line is either a **person line** (a work contract of the relevé's company, with hours) or a **sous-traitance
  line** (a structure inclusive of the guichet, other than the company, with an amount and a lot);
* its lot, when it has one, is a lot of the guichet attributed to the company (any role);
* its dates lie in the relevé's month, the end not before the start: a relevé reports one month, so that a
  month is never counted twice by two relevés;
* hours and amounts are not negative.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError

from guichet.dates import dernier_jour, libelle_mois
from marches.models import Attribution

from .enums import StatutReleve

CHAMPS_LIGNE = ["contrat", "sous_traitant", "montant_ht", "lot", "date_debut", "date_fin", "heures"]


@dataclass
class ContexteReleve:
    """What the rules need to know of the relevé, read once for all its lines."""

    entreprise: object
    periode: date
    lots: set = field(default_factory=set)  # ids of the lots attributed to the company

    @classmethod
    def de(cls, *, entreprise, periode):
        lots = set(Attribution.objects.filter(entreprise=entreprise).values_list("lot_id", flat=True))
        return cls(entreprise=entreprise, periode=periode, lots=lots)


def controler_ligne(
    ctx: ContexteReleve,
    *,
    contrat=None,
    sous_traitant=None,
    montant_ht=None,
    lot=None,
    date_debut=None,
    date_fin=None,
    heures=None,
) -> dict[str, str]:
    """The broken rules of one line (objects for the foreign keys): ``{field: message}``, the message under
    ``__all__`` when no single field is at fault. Empty when the line may be saved."""
    debut, fin, montant = date_debut, date_fin, montant_ht
    erreurs = {}
    if any(o is not None and o.guichet_id != ctx.entreprise.guichet_id for o in (contrat, sous_traitant, lot)):
        return {"__all__": "Cette ligne cite un objet d'un autre guichet."}
    if (contrat is None) == (sous_traitant is None):
        erreurs["__all__"] = "Une ligne porte soit une personne (son contrat), soit une structure sous-traitante."
    elif contrat is not None:
        if contrat.entreprise_id != ctx.entreprise.pk:
            erreurs["contrat"] = "Ce contrat n'est pas un contrat de l'entreprise du relevé."
        if heures is None:
            erreurs["heures"] = "Indiquez les heures de la personne."
        if montant is not None:
            erreurs["montant_ht"] = "Un montant ne se déclare que sur une ligne de sous-traitance."
    else:
        if sous_traitant.pk == ctx.entreprise.pk:
            erreurs["sous_traitant"] = "L'entreprise ne peut pas être sa propre sous-traitante."
        elif not sous_traitant.est_structure_inclusive:
            erreurs["sous_traitant"] = (
                "La sous-traitance ne compte qu'avec une structure inclusive (SIAE, GEIQ, EA, ESAT, régie de quartier)."
            )
        if montant is None:
            erreurs["montant_ht"] = "Indiquez le montant HT facturé par la structure."
        if lot is None:
            erreurs["lot"] = "Indiquez le lot sous-traité."
    if lot is not None and lot.pk not in ctx.lots:
        erreurs["lot"] = "Ce lot n'est pas attribué à l'entreprise du relevé."
    if heures is not None and heures < 0:
        erreurs["heures"] = "Les heures ne peuvent pas être négatives."
    if montant is not None and montant < 0:
        erreurs["montant_ht"] = "Le montant ne peut pas être négatif."
    if debut is None:
        erreurs["date_debut"] = "Indiquez la date de début."
    if fin is None:
        erreurs["date_fin"] = "Indiquez la date de fin."
    if debut is not None and fin is not None:
        dans_le_mois = f"La date doit être dans le mois du relevé ({libelle_mois(ctx.periode)})."
        if not ctx.periode <= debut <= dernier_jour(ctx.periode):
            erreurs["date_debut"] = dans_le_mois
        if not ctx.periode <= fin <= dernier_jour(ctx.periode):
            erreurs["date_fin"] = dans_le_mois
        elif fin < debut:
            erreurs["date_fin"] = "La date de fin précède la date de début."
    return erreurs


def verifier_modifiable(releve):
    """A relevé's lines change while it is a draft only: submitted, it awaits the facilitator; validated, it is
    locked (a correction is a new relevé, ``releve_corriger``)."""
    if releve.statut == StatutReleve.SOUMIS:
        raise ValidationError("Ce relevé est soumis : il n'est plus modifiable.")
    if releve.statut != StatutReleve.BROUILLON:
        raise ValidationError(
            "Ce relevé est verrouillé depuis sa validation : corrigez-le par un nouveau relevé (« Corriger »)."
        )
