"""The guichet's home: each role lands on the dashboard that answers its first question. Pictures first, the
figures one click away (the data table under each chart)."""

from django.utils import timezone
from django.views.generic import TemplateView

from guichet.enums import Role
from guichet.views import EnCacheMixin, GuichetMixin

from . import graphiques, indicateurs, tableaux
from .alertes import alertes_facilitateur, lien
from .forms import FiltresIndicateursForm
from .indicateurs import memoriser

GABARITS = {
    Role.ADMIN: "reporting/facilitateur.html",
    Role.FACILITATEUR: "reporting/facilitateur.html",
    Role.LECTEUR: "reporting/copil.html",
    Role.ACHETEUR: "reporting/acheteur.html",
    Role.ENTREPRISE: "reporting/entreprise.html",
}


class TableauDeBordView(EnCacheMixin, GuichetMixin, TemplateView):
    """``/<slug>/`` (``guichet_accueil``): the year's figures, filtered by year (and by buyer for the roles that
    see several), read from ``reporting.indicateurs`` like the API and the bilans."""

    permission_required = "reporting.view"

    def get_template_names(self):
        return [GABARITS[self.membre.role]]

    def get_context_data(self, **kwargs):
        filtres = FiltresIndicateursForm(self.request.GET, membre=self.membre)
        if filtres.is_valid():
            annee, acheteur_id = filtres.valeurs()
        else:  # the errors show on the form; the page shows the current year meanwhile
            annee, acheteur_id = timezone.localdate().year, None
        portee = indicateurs.portee_du_membre(self.membre, annee=annee, acheteur_id=acheteur_id)
        contexte = {"filtres": filtres, "annee": annee, "portee": portee}
        if self.membre.role not in (Role.ACHETEUR, Role.ENTREPRISE):  # the filter's buyers, for those who see several
            contexte["acheteurs"] = filtres.fields["acheteur"].queryset.values_list("pk", "nom")
        return {**contexte, **getattr(self, f"contexte_{self.membre.role}")(portee), **kwargs}

    def _territoire(self, portee, *, seuil):
        """The figures and charts of the territory (or of the chosen buyer): the facilitators' and the copil's."""
        return {
            "chiffres": indicateurs.chiffres_cles(portee),
            "graphiques_heures": tableaux.graphiques_heures(portee),
            "graphiques_personnes": tableaux.graphiques_personnes(portee, seuil=seuil),
            "graphique_pnad": None if portee.acheteur_id else tableaux.graphique_pnad(portee),
        }

    def contexte_admin(self, portee):
        alertes = alertes_facilitateur(
            guichet=self.guichet, membre=self.membre, lire_empreinte=lambda: portee.empreinte
        )
        return {**self._territoire(portee, seuil=None), "alertes": alertes}

    contexte_facilitateur = contexte_admin

    def contexte_lecteur(self, portee):
        """The copil partners: the territory's aggregates, small cells hidden, no names."""
        return self._territoire(portee, seuil=indicateurs.seuil_de_masquage(self.membre, portee))

    def _en_cache(self, portee, nom, calcul):
        """A buyer's or a company's own lists, kept like the figures until the data changes (or the day: hours due
        in force, conventions' states and relevés due depend on it)."""
        cle = (nom, self.guichet.pk, portee.acheteur_id, portee.entreprise_id, timezone.localdate())
        return memoriser(cle, lambda: portee.empreinte, calcul)

    def contexte_acheteur(self, portee):
        def propre():
            lots, nombre_lots = tableaux.lots_acheteur(guichet=self.guichet, acheteur_id=portee.acheteur_id)
            return {
                "lots": lots,
                "nombre_lots": nombre_lots,
                "climat": tableaux.climat_acheteur(guichet=self.guichet, membre=self.membre),
                "conventions": list(tableaux.conventions_acheteur(guichet=self.guichet, membre=self.membre)),
            }

        seuil = indicateurs.seuil_de_masquage(self.membre, portee)
        return {
            **self._en_cache(portee, "tableau_acheteur", propre),
            "acheteur": self.membre.acheteur,
            "chiffres": indicateurs.chiffres_cles(portee),
            "graphiques_heures": tableaux.graphiques_heures(portee, par_acheteur=False),
            "graphiques_personnes": tableaux.graphiques_personnes(portee, seuil=seuil),
            "bilans_url": lien("bilans", self.guichet),
        }

    def contexte_entreprise(self, portee):
        def propre():
            return tableaux.tableau_entreprise(
                guichet=self.guichet,
                entreprise_id=portee.entreprise_id,
                jour_limite=portee.parametres.jour_limite_releve,
            )

        mois = indicateurs.heures_par_mois(portee)
        return {
            **self._en_cache(portee, "tableau_entreprise", propre),
            "entreprise": self.membre.entreprise,
            "graphique_mois": graphiques.depuis(graphiques.courbes, "heures-mois", mois),
            "releves_url": lien("releves", self.guichet),
        }
