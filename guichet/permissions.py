"""Roles map to permission codes (architecture.md, tenancy §6; api.md "Who may do what").

One table, checked by one view mixin (``guichet.views.GuichetMixin``) and one DRF permission class
(``guichet.api.permissions.GuichetPermission``). What a buyer or a company may see *within* a code
(its own records only) is enforced by the selectors, which start from ``request.membre``.

A buyer's yearly purchase programme is part of its record: ``acheteurs.view`` / ``acheteurs.change``.
Partnership events (``animation.*``) have codes of their own: an event gathers several buyers and its
minutes speak of them, so a buyer member, who must see nothing of the other buyers, does not read them.

Personal data (domain.md §10, api.md's table): ``publics.view`` reads the people, their parcours and outcomes;
``eligibilites.view`` their eligibility criteria and evidence (both admins and facilitators only, every read of an
eligibility written to the access log that ``journal_acces.view``, admins, consult; ``publics.anonymiser`` runs the
retention job by hand). ``contrats.view`` reads the
work contracts: a company member its own and the names of its own employees only (selectors restrict), never their
criteria nor their birth dates. Buyers and ``lecteur`` members see aggregates only (``reporting.view``).

A marché's status only moves forward; stepping it back, to correct a mistake, is an admin's
(``marches.revert_status``, checked by ``marches.services.marche_update``).
"""

from .enums import Role

# Reading what every member of a guichet shares: the aggregates, marchés, lots and their progress.
LECTURE_COMMUNE = {
    "guichet.view",
    "taches.view",
    "marches.view",
    "reporting.view",
}
# The guichet's figures (``indicateurs/``): every internal role and a buyer member for its own buyer; a company
# member reads its lots' progress on its dashboard, not the guichet's figures.
INDICATEURS = {"indicateurs.view"}
LECTURE_INTERNE = (
    LECTURE_COMMUNE
    | INDICATEURS
    | {
        "acheteurs.view",
        "conventions.view",
        "animation.view",
        "entreprises.view",
    }
)
EDITION_METIER = {
    "acheteurs.change",
    "conventions.change",
    "animation.change",
    "marches.change",
    "entreprises.change",
    "publics.view",
    "publics.change",
    "eligibilites.view",
    "contrats.view",
    "releves.view",
    "releves.change",
    "releves.validate",
    "reporting.generate",
    "taches.view_all",
    "decompte.recalculer",
}

ROLE_PERMISSIONS = {
    Role.ADMIN: LECTURE_INTERNE
    | EDITION_METIER
    | {
        "parametres.view",
        "parametres.change",
        "membres.view",
        "membres.change",
        "journal.view",
        "journal_acces.view",
        "publics.anonymiser",
        "marches.revert_status",
    },
    Role.FACILITATEUR: LECTURE_INTERNE | EDITION_METIER,
    Role.LECTEUR: LECTURE_INTERNE,
    # Own acheteur (and its programme), conventions, marchés, lots, suivis, indicators and bilans (selectors
    # restrict); no animation events (see above).
    Role.ACHETEUR: LECTURE_COMMUNE | INDICATEURS | {"acheteurs.view", "conventions.view"},
    # Own entreprise, lots, relevés, contracts (selectors restrict); may edit its draft relevés and submit them;
    # its own space (``mon-espace/``: what it owes and has done).
    Role.ENTREPRISE: LECTURE_COMMUNE
    | {"entreprises.view", "releves.view", "releves.change", "contrats.view", "espace_entreprise.view"},
}


def role_has_perm(role, code):
    return code in ROLE_PERMISSIONS.get(role, ())
