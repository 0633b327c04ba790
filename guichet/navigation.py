"""The guichet's navigation: one entry per section, shown when the member's role has its permission.

Apps add their sections here as they land, in the order facilitators work.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Entree:
    libelle: str
    url_name: str
    permission: str
    administration: bool = False
    # Names of the section's other pages (prefixes), so the entry stays marked on them.
    pages: tuple = ()

    def contient(self, url_name):
        return url_name == self.url_name or bool(self.pages and url_name and url_name.startswith(self.pages))


ENTREES = [
    Entree("Accueil", "guichet_accueil", "guichet.view"),
    Entree("Mon espace", "mon_espace", "espace_entreprise.view", pages=("espace_entreprise",)),
    Entree("Acheteurs", "acheteurs", "acheteurs.view", pages=("acheteur", "contact_", "programmation", "achat_prevu")),
    Entree("Conventions", "conventions", "conventions.view", pages=("convention",)),
    Entree("Animation", "animation", "animation.view", pages=("animation", "evenement")),
    Entree(
        "Marchés",
        "marches",
        "marches.view",
        pages=("marche", "lot", "consideration", "avenant", "attribution", "operation"),
    ),
    Entree("Simulateur", "simulateur", "marches.change"),
    Entree("Entreprises", "entreprises", "entreprises.view", pages=("entreprise",)),
    Entree("Relevés d'heures", "releves", "releves.view", pages=("releve", "ligne_releve", "piece_releve")),
    Entree(
        "Bénéficiaires",
        "beneficiaires",
        "publics.view",
        pages=("beneficiaire", "doublons", "eligibilite", "positionnement", "criteres", "critere_", "fiche_"),
    ),
    Entree("Contrats", "contrats", "contrats.view", pages=("contrat", "sortie")),
    Entree("Prescripteurs", "prescripteurs", "publics.view", pages=("prescripteur", "contact_prescripteur")),
    Entree("Bilans", "bilans", "reporting.view", pages=("bilan",)),
    Entree("Exports", "exports", "reporting.generate", pages=("export",)),
    Entree("Membres", "membres", "membres.change", administration=True),
    Entree("Paramètres", "parametres", "parametres.change", administration=True, pages=("parametres_",)),
    Entree("Journal d'audit", "journal", "journal.view", administration=True),
    Entree("Journal des accès", "journal_acces", "journal_acces.view", administration=True),
    Entree("Conservation des données", "conservation", "publics.anonymiser", administration=True),
]


def navigation(request):
    membre, guichet = getattr(request, "membre", None), getattr(request, "guichet", None)
    if membre is None:
        return []
    current = request.resolver_match.url_name if request.resolver_match else None
    return [
        {
            "libelle": entree.libelle,
            "url": reverse(entree.url_name, kwargs={"guichet_slug": guichet.slug}),
            "actif": entree.contient(current),
            "administration": entree.administration,
        }
        for entree in ENTREES
        if membre.has_perm(entree.permission)
    ]
