"""The PDF bilans (domain.md §9): what each one says, read from ``reporting.indicateurs`` (so that a figure is the
same in the dashboards, the API and the bilans) and drawn by ``reporting.graphiques``; then HTML
(``templates/pdf/bilan.html`` and its sections) and WeasyPrint.

A bilan is a list of :class:`Section` (the table of contents and the body read the same list). The figures of
people are those of a public document: cells under ``seuil_petits_effectifs`` are hidden (« s »), whoever asked.
"""

import base64
import io
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from conventions.models import Evenement
from entreprises.models import Allocation
from guichet.enums import BonusCdi, ConversionSousTraitance, RegleVentilation, TypeConsideration
from guichet.selectors import parametres_of
from marches.enums import StatutClimat
from marches.models import Attribution
from marches.selectors import pnad_par_acheteur

from . import graphiques, indicateurs
from .enums import TypeBilan
from .graphiques import nombre

# Categories drawn in one bar chart: beyond, the chart shows the first ones (the table under it lists them all).
CATEGORIES_PAR_GRAPHIQUE = 15
# Companies listed by name in the copil bilan (the largest contributors); the key figures count them all.
ENTREPRISES_LISTEES = 30


@dataclass
class Section:
    ident: str
    titre: str
    gabarit: str  # "pdf/sections/<name>.html", which reads ``d`` (the data below)
    donnees: dict = field(default_factory=dict)


@dataclass
class Bloc:
    """A chart (or none) and its table: the same figures, written the French way."""

    titre: str
    colonnes: tuple
    lignes: list  # [(libellé, [valeurs écrites])]
    graphique: object = None
    total: list | None = None
    note: str = ""
    masque: bool = False  # some cells hidden (statistical secret)


def _ecrire(repartition, valeurs):
    unite = "h" if repartition.unite == "h" else ""
    return [nombre(v, unite) for v in valeurs]


def _limiter(repartition, limite=CATEGORIES_PAR_GRAPHIQUE):
    """The chart's categories: the first ``limite`` lines (the largest, for distributions sorted so); the table
    under the chart lists them all. No « Autres » bar: summing the rest would dwarf every other bar, and would mean
    nothing for a share or for people counted under each of their criteria."""
    if len(repartition.lignes) <= limite:
        return repartition
    note = f"{repartition.note} Le graphique montre les {limite} premières lignes du tableau.".strip()
    return replace(repartition, lignes=repartition.lignes[:limite], note=note)


def bloc(fabrique, ident, repartition, *, colonnes=None, dessin=None, total=False, unite=None, **options):
    """A chart of ``fabrique`` (``graphiques.barres``…; ``None``: a table only) over the ``colonnes`` kept (or
    only the ``dessin`` ones), and the table of the whole distribution. ``total``: a last line summing each column
    (hours). ``unite``: that of the columns kept, when it is not the distribution's (the count of marchés beside
    hours)."""
    if unite is not None:
        repartition = replace(repartition, unite=unite)
    indices = colonnes or range(len(repartition.colonnes))
    graphique = None
    if fabrique is not None:
        dessinee = repartition if fabrique is graphiques.anneau else _limiter(repartition)
        graphique = graphiques.depuis(fabrique, ident, dessinee, colonnes_retenues=dessin or colonnes, **options)
    lignes = [
        (ligne.libelle, _ecrire(repartition, [ligne.valeurs[i] for i in indices])) for ligne in repartition.lignes
    ]
    sommes = None
    if total:
        sommes = _ecrire(repartition, [sum(ligne.valeurs[i] or 0 for ligne in repartition.lignes) for i in indices])
    return Bloc(
        titre=repartition.titre,
        colonnes=tuple(repartition.colonnes[i] for i in indices),
        lignes=lignes,
        graphique=None if graphique is not None and graphique.vide else graphique,
        total=sommes,
        note=repartition.note,
        masque=repartition.masquee,
    )


# --- Shared sections ---------------------------------------------------------------------------------------------


def _section_heures(portee, types, *, par_acheteur):
    blocs = [
        bloc(graphiques.courbes, "heures-mois", indicateurs.heures_par_mois(portee), total=True),
    ]
    if par_acheteur:
        blocs.append(bloc(graphiques.barres, "heures-acheteur", indicateurs.heures_par_acheteur(portee), total=True))
    blocs += [
        bloc(graphiques.barres, "heures-secteur", indicateurs.heures_par_secteur(portee), total=True),
        bloc(graphiques.barres, "heures-type", types, colonnes=[1]),
        bloc(graphiques.anneau, "heures-modalite", indicateurs.heures_par_modalite(portee), total=True),
        bloc(graphiques.barres, "heures-structure", indicateurs.heures_par_structure(portee), total=True),
    ]
    return Section("heures", "Les heures d'insertion", "pdf/sections/blocs.html", {"blocs": blocs})


def _section_personnes(portee, seuil):
    profils = indicateurs.personnes_par_profil(portee, seuil=seuil)
    blocs = [
        bloc(graphiques.anneau, "personnes-sexe", profils["sexe"]),
        bloc(graphiques.barres, "personnes-age", profils["age"]),
        bloc(graphiques.barres, "personnes-niveau", profils["niveau"]),
        bloc(graphiques.barres, "personnes-critere", profils["critere"]),
        bloc(graphiques.anneau, "personnes-qpv", profils["qpv"]),
        bloc(graphiques.anneau, "personnes-nouvelles", indicateurs.personnes_nouvelles(portee, seuil=seuil)),
    ]
    return Section("personnes", "Les personnes", "pdf/sections/blocs.html", {"blocs": blocs, "seuil": seuil})


def _section_contrats(portee, seuil):
    blocs = [
        bloc(graphiques.barres, "contrats-type", indicateurs.contrats_par_type(portee, seuil=seuil)),
        bloc(graphiques.barres, "sorties", indicateurs.sorties_par_situation(portee, seuil=seuil)),
    ]
    return Section("contrats", "Contrats de travail et sorties", "pdf/sections/blocs.html", {"blocs": blocs})


@dataclass
class ConsiderationsDUnType:
    libelle: str
    lots: set = field(default_factory=set)
    marches: set = field(default_factory=set)
    indicateurs: dict = field(default_factory=dict)  # (nom, unité) -> [réalisé, cible], written « — » when unknown


def _par_type(considerations):
    """The considerations summed by type: lots, marchés, and each indicator (same name and unit) summed. The
    copil reads this; a buyer's bilan lists its considerations one by one. One query; the indicators are JSON."""
    par_type = {}
    lignes = considerations.values_list("type", "lot_id", "lot__marche_id", "indicateurs").order_by("type")
    for code, lot_id, marche_id, liste in lignes:
        groupe = par_type.setdefault(code, ConsiderationsDUnType(TypeConsideration(code).label))
        groupe.lots.add(lot_id)
        groupe.marches.add(marche_id)
        for indicateur in liste:
            sommes = groupe.indicateurs.setdefault((indicateur["nom"], indicateur.get("unite") or ""), [None, None])
            for i, champ in enumerate(("realise", "cible")):
                if indicateur.get(champ) not in (None, ""):
                    sommes[i] = (sommes[i] or 0) + Decimal(indicateur[champ])
    for groupe in par_type.values():
        groupe.indicateurs = {
            cle: ["—" if v is None else nombre(v) for v in sommes] for cle, sommes in groupe.indicateurs.items()
        }
    return list(par_type.values())


def _section_considerations(portee, types, *, detail):
    considerations = indicateurs.considerations_hors_heures(portee)
    return Section(
        "considerations",
        "Au-delà des heures : les autres considérations sociales",
        "pdf/sections/considerations.html",
        {
            "bloc": bloc(graphiques.barres, "types-marches", types, colonnes=[0], unite=""),
            "considerations": considerations if detail else None,
            "par_type": None if detail else _par_type(considerations),
        },
    )


def _section_evenements(portee):
    evenements = Evenement.objects.filter(guichet=portee.guichet, date__year=portee.annee)
    if portee.acheteur_id is not None:
        evenements = evenements.filter(acheteurs=portee.acheteur_id)
    evenements = evenements.annotate(acheteurs_presents=Count("acheteurs", distinct=True)).order_by("date", "pk")
    return Section(
        "animation", "L'animation du partenariat", "pdf/sections/evenements.html", {"evenements": evenements}
    )


def _section_methode(guichet, parametres, *, seuil):
    calcule_le = Allocation.objects.filter(guichet=guichet).aggregate(le=Max("calcule_le"))["le"]
    regles = {
        "ventilation": RegleVentilation(parametres.regle_ventilation).label,
        "conversion": ConversionSousTraitance(parametres.conversion_sous_traitance).label,
        "bonus_cdi": BonusCdi(parametres.bonus_cdi).label,
    }
    return Section(
        "methode",
        "Note de méthode",
        "pdf/sections/methode.html",
        {"parametres": parametres, "regles": regles, "seuil": seuil, "calcule_le": calcule_le},
    )


def _chiffres(chiffres):
    return Section("chiffres", "Chiffres clés", "pdf/sections/chiffres.html", {"chiffres": chiffres})


# --- The four bilans ---------------------------------------------------------------------------------------------


def _copil(bilan, parametres):
    portee = indicateurs.Portee(bilan.guichet, bilan.annee)
    seuil = parametres.seuil_petits_effectifs
    types = indicateurs.heures_par_type(portee)
    chiffres = indicateurs.chiffres_cles(portee)
    lignes_pnad = pnad_par_acheteur(guichet=bilan.guichet, annee=bilan.annee)
    pnad = indicateurs.Repartition(
        titre=f"Part des marchés notifiés en {bilan.annee} avec une considération sociale",
        colonnes=("Marchés notifiés", "Avec considération sociale", "Part (%)"),
        lignes=tuple(
            indicateurs.Ligne(
                str(ligne["acheteur"].pk),
                ligne["acheteur"].nom,
                (
                    ligne["marches_notifies"],
                    ligne["marches_avec_consideration_sociale"],
                    (ligne["part_consideration_sociale"] or 0) * 100,
                ),
            )
            for ligne in sorted(lignes_pnad, key=lambda ligne: -ligne["marches_notifies"])
        ),
        unite="",
        note="Objectif national (PNAD 2022-2025) : 30 % des marchés notifiés.",
    )
    return "Le territoire du guichet", [
        _chiffres(chiffres),
        _section_heures(portee, types, par_acheteur=True),
        _section_personnes(portee, seuil),
        _section_contrats(portee, seuil),
        Section(
            "entreprises",
            "Entreprises et structures inclusives mobilisées",
            "pdf/sections/entreprises.html",
            {
                "chiffres": chiffres,
                "entreprises": indicateurs.heures_par_entreprise(portee, limite=ENTREPRISES_LISTEES),
                "limite": ENTREPRISES_LISTEES,
                "structures": indicateurs.structures_inclusives_mobilisees(portee),
            },
        ),
        Section(
            "pnad",
            "Objectif national : part des marchés avec une considération sociale",
            "pdf/sections/pnad.html",
            {"chiffres": chiffres, "bloc": bloc(graphiques.barres, "pnad", pnad, dessin=[2])},
        ),
        _section_considerations(portee, types, detail=False),
        _section_evenements(portee),
    ]


def _acheteur(bilan, parametres):
    portee = indicateurs.Portee(bilan.guichet, bilan.annee, acheteur_id=bilan.acheteur_id)
    seuil = parametres.seuil_petits_effectifs
    types = indicateurs.heures_par_type(portee)
    lots = indicateurs.heures_par_lot(portee)
    marches = list(indicateurs.marches_de_l_annee(portee).avec_resume().avec_climat(parametres).order_by("reference"))
    climat = {statut: sum(1 for m in marches if m.statut_climat == statut) for statut in StatutClimat.values}
    return bilan.acheteur.nom, [
        _chiffres(indicateurs.chiffres_cles(portee)),
        Section(
            "marches",
            "Marchés et lots",
            "pdf/sections/marches.html",
            {
                "marches": marches,
                "lots": lots,
                "climat": {StatutClimat(s).label: n for s, n in climat.items()},
            },
        ),
        _section_heures(portee, types, par_acheteur=False),
        _section_personnes(portee, seuil),
        _section_contrats(portee, seuil),
        _section_considerations(portee, types, detail=True),
        _section_evenements(portee),
    ]


def _lots(bilans_lots):
    """Each lot's hours by modality (a ring and its table), with the other figures of the lot."""
    return [
        (b, bloc(graphiques.anneau, f"lot-{b.lot.pk}-modalites", b.par_modalite, total=True), bloc(None, "", b.sorties))
        for b in bilans_lots
    ]


def _marche(bilan, parametres):
    marche = bilan.marche
    lots = indicateurs.bilan_lots(
        guichet=bilan.guichet, lots=marche.lots.all(), seuil=parametres.seuil_petits_effectifs
    )
    return f"{marche.reference} – {marche.objet}", [
        Section(
            "marche",
            "Le marché",
            "pdf/sections/marche.html",
            {"marche": marche, "lots": lots},
        ),
        Section("lots", "Le détail par lot", "pdf/sections/lots.html", {"lots": _lots(lots)}),
    ]


def _attestation(bilan, parametres):
    lot = bilan.lot
    (detail,) = indicateurs.bilan_lots(
        guichet=bilan.guichet,
        lots=lot.marche.lots.filter(pk=lot.pk),
        entreprise_id=bilan.entreprise_id,
        seuil=parametres.seuil_petits_effectifs,
    )
    roles = Attribution.objects.filter(lot=lot, entreprise=bilan.entreprise).values_list("role", flat=True)
    return bilan.entreprise.raison_sociale, [
        Section(
            "attestation",
            "Attestation",
            "pdf/sections/attestation.html",
            {
                "detail": detail,
                "bloc": bloc(None, "", detail.par_modalite, total=True),
                "entreprise": bilan.entreprise,
                "lot": lot,
                "marche": lot.marche,
                "co_debiteurs": Attribution.objects.filter(lot=lot, role__in=indicateurs.DEBITEURS)
                .exclude(entreprise=bilan.entreprise)
                .count(),
                "roles": list(roles),
            },
        )
    ]


CONTENUS = {
    TypeBilan.COPIL: _copil,
    TypeBilan.ACHETEUR: _acheteur,
    TypeBilan.MARCHE: _marche,
    TypeBilan.ATTESTATION: _attestation,
}


def logo(parametres):
    """The guichet's logo as a ``data:`` URI (WeasyPrint then fetches nothing), or ``None``."""
    if not parametres.logo:
        return None
    try:
        with parametres.logo.open("rb") as fichier:
            contenu = fichier.read()
    except FileNotFoundError:
        return None
    mime = "image/png" if contenu.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(contenu).decode()}"


def html(bilan) -> str:
    """The bilan's final HTML: everything inline (styles, SVG charts, the logo), nothing to fetch."""
    parametres = parametres_of(guichet=bilan.guichet)
    sous_titre, sections = CONTENUS[bilan.type](bilan, parametres)
    attestation = bilan.type == TypeBilan.ATTESTATION
    if not attestation:
        sections.append(_section_methode(bilan.guichet, parametres, seuil=parametres.seuil_petits_effectifs))
    return render_to_string(
        "pdf/bilan.html",
        {
            "bilan": bilan,
            "guichet": bilan.guichet,
            "parametres": parametres,
            "logo": logo(parametres),
            "sous_titre": sous_titre,
            "sections": sections,
            "couverture": not attestation,
            "edite_le": timezone.localtime(),
        },
    )


def _refuser(url):
    """WeasyPrint's URL fetcher: the HTML is self-contained; fetching anything else (a link in a name typed by
    a user, an image of the network) is refused."""
    raise ValueError(f"Ressource externe refusée dans un bilan : {url[:80]}")


def pdf(contenu_html) -> bytes:
    from weasyprint import HTML

    return HTML(string=contenu_html, url_fetcher=_refuser).write_pdf()


def produire(bilan, *, progression=lambda pct: None) -> io.BytesIO:
    """The bilan's PDF (a file object): the figures and the HTML, then the layout (most of the time)."""
    progression(5)
    contenu = html(bilan)
    progression(40)
    fichier = io.BytesIO(pdf(contenu))
    progression(95)
    return fichier


def nom_fichier(bilan):
    objet = {
        TypeBilan.COPIL: "copil",
        TypeBilan.ACHETEUR: bilan.acheteur and bilan.acheteur.nom,
        TypeBilan.MARCHE: bilan.marche and bilan.marche.reference,
        TypeBilan.ATTESTATION: bilan.lot and f"{bilan.entreprise.raison_sociale}-lot-{bilan.lot.numero}",
    }[bilan.type]
    return f"{slugify(f'{TypeBilan(bilan.type).label}-{objet}-{bilan.annee}')[:90]}.pdf"
