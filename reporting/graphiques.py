"""Graphiques SVG produits sur le serveur, sans JavaScript : les tableaux de bord les insèrent dans la page, les
bilans PDF dans leur HTML (WeasyPrint dessine le SVG en ligne), si bien que l'écran et le papier montrent la même
image.

Accessibilité (RGAA, WCAG 2.1 AA) : chaque SVG est une image (``role="img"``) nommée par son ``<title>`` et
décrite par son ``<desc>`` (``aria-labelledby``) ; chaque marque porte aussi un ``<title>`` (infobulle) ; les
couleurs contrastent d'au moins 3:1 avec le fond blanc (objets graphiques) et les textes de 4,5:1 ; les séries
se distinguent aussi autrement que par la couleur (légende écrite, trait plein ou tireté). Les chiffres restent
à un clic : :meth:`Graphique.tableau` donne le tableau de données que le gabarit ``components/graphique.html``
place sous l'image. Aucun attribut ``style`` (la politique de sécurité des contenus les refuse) : seulement des
attributs de présentation.

Une valeur ``None`` est une cellule masquée (secret statistique) : pas de marque, la lettre « s ».
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Series colours, in order: contrast with white ≥ 3:1 (checked by the tests), distinct from each other.
PALETTE = ("#1d3f8f", "#b34700", "#1e6b33", "#7a2e8e", "#00727a", "#5c5c5c", "#a4133c", "#6b5b00")
TEXTE = "#1e1e1e"
GRILLE = "#d0d3da"
FOND_PISTE = "#e6e8ee"
# A lot's risk status (entreprises.enums.StatutRisque) → colour of its progress bar.
COULEURS_RISQUE = {
    "vert": "#1e6b33",
    "orange": "#8a4b00",
    "rouge": "#b3261e",
    "termine": "#5c5c5c",
    "non_demarre": "#5c5c5c",
}
SECRET = "s"
LARGEUR = 560
POLICE = 'font-family="DejaVu Sans, Verdana, sans-serif" font-size="12"'


@dataclass(frozen=True)
class Serie:
    nom: str
    valeurs: tuple  # int, Decimal or float; None: a hidden cell


@dataclass(frozen=True)
class Graphique:
    """Une image et ses données : ``svg`` (sûr à insérer), le tableau de données (:meth:`tableau`, et ``table`` en
    HTML)."""

    ident: str
    titre: str
    description: str
    categories: tuple
    series: tuple
    unite: str
    svg: str
    note: str = ""
    table: str = ""  # the data table in HTML, written once (dashboards keep charts in the cache)

    def __post_init__(self):
        if not self.table:
            object.__setattr__(self, "table", self._table())

    def _table(self):
        entetes, lignes = self.tableau()
        tete = "".join(f'<th scope="col" class="nombre">{escape(e)}</th>' for e in entetes[1:])
        corps = (
            "".join(
                f'<tr><th scope="row">{escape(ligne[0])}</th>'
                + "".join(f'<td class="nombre">{escape(cellule)}</td>' for cellule in ligne[1:])
                + "</tr>"
                for ligne in lignes
            )
            or f'<tr><td colspan="{len(entetes)}">Aucune donnée pour cette période.</td></tr>'
        )
        return mark_safe(  # noqa: S308 (every text is escaped)
            f'<table class="tableau"><caption class="sr-only">{escape(self.titre)}</caption>'
            f'<thead><tr><th scope="col"></th>{tete}</tr></thead><tbody>{corps}</tbody></table>'
        )

    @property
    def vide(self):
        """Nothing to draw: every value is zero or hidden (the template says so in words instead)."""
        return not any(v for serie in self.series for v in serie.valeurs if v is not None)

    @property
    def masque(self):
        return any(v is None for serie in self.series for v in serie.valeurs)

    def tableau(self):
        """``(entetes, lignes)`` : une ligne par catégorie, une colonne par série, valeurs écrites à la française."""
        entetes = ["", *(serie.nom for serie in self.series)]
        lignes = [
            [categorie, *(nombre(serie.valeurs[i], self.unite) for serie in self.series)]
            for i, categorie in enumerate(self.categories)
        ]
        return entetes, lignes


def nombre(valeur, unite=""):
    """``1234.5`` → ``1 234,5 h`` (espaces insécables) ; ``None`` → ``s`` (secret statistique)."""
    if valeur is None:
        return SECRET
    valeur = Decimal(str(valeur))
    decimales = 0 if valeur == valeur.to_integral_value() else min(2, max(0, -valeur.normalize().as_tuple().exponent))
    texte = number_format(valeur, decimales, use_l10n=True, force_grouping=True)
    return f"{texte}\u00a0{unite}" if unite else texte


def echelle(maximum):
    """Le haut de l'axe et son pas : le pas est 1, 2, 2,5 ou 5 × 10ⁿ, pour quatre ou cinq graduations."""
    maximum = float(maximum or 0)
    if maximum <= 0:
        return 1.0, 1.0
    brut = maximum / 4
    puissance = 10 ** math.floor(math.log10(brut))
    pas = next(m * puissance for m in (1, 2, 2.5, 5, 10) if m * puissance >= brut)
    if pas < 1 and maximum >= 1:  # counts and hours: whole graduations
        pas = 1.0
    return round(math.ceil(maximum / pas - 1e-9) * pas, 10), pas


def _texte(x, y, contenu, *, ancre="start", gras=False, couleur=TEXTE, extra=""):
    poids = ' font-weight="bold"' if gras else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{ancre}" fill="{couleur}"{poids}{extra}>{escape(contenu)}</text>'
    )


def _abrege(libelle, longueur):
    return libelle if len(libelle) <= longueur else libelle[: longueur - 1].rstrip() + "…"


def _svg(ident, titre, description, hauteur, corps):
    return mark_safe(  # noqa: S308 (every text is escaped above)
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique" viewBox="0 0 {LARGEUR} {hauteur:.0f}" '
        f'width="{LARGEUR}" height="{hauteur:.0f}" role="img" aria-labelledby="{ident}-titre {ident}-desc" '
        f'focusable="false" {POLICE}>'
        f'<title id="{ident}-titre">{escape(titre)}</title><desc id="{ident}-desc">{escape(description)}</desc>'
        f"{''.join(corps)}</svg>"
    )


def _decrire(titre, categories, series, unite):
    """Une description par défaut : les valeurs de chaque série, dans l'ordre des catégories."""
    parties = []
    for serie in series:
        valeurs = ", ".join(f"{c} {nombre(v, unite)}" for c, v in zip(categories, serie.valeurs, strict=True))
        parties.append(f"{serie.nom} : {valeurs}." if len(series) > 1 else f"{valeurs}.")
    return f"{titre}. " + " ".join(parties)


def _legende(series, y, *, traits=False):
    """La légende, en haut : un carré (ou un trait) de la couleur et le nom de chaque série."""
    corps, x = [], 0.0
    for i, serie in enumerate(series):
        couleur = PALETTE[i % len(PALETTE)]
        if traits:
            tirets = ' stroke-dasharray="6 4"' if i % 2 else ""
            corps.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 18:.1f}" y2="{y - 4:.1f}" stroke="{couleur}" '
                f'stroke-width="3"{tirets}/>'
            )
        else:
            corps.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{couleur}"/>')
        corps.append(_texte(x + 24, y, serie.nom))
        x += 40 + 7 * len(serie.nom)
    return corps


def _preparer(ident, titre, categories, series, unite, description):
    categories = tuple(str(c) for c in categories)
    series = tuple(Serie(s.nom, tuple(s.valeurs)) for s in series)
    for serie in series:
        if len(serie.valeurs) != len(categories):
            raise ValueError(f"La série « {serie.nom} » n'a pas une valeur par catégorie.")
    return categories, series, description or _decrire(titre, categories, series, unite)


def _total(valeurs):
    return sum(float(v) for v in valeurs if v is not None)


def _maximum(series, empilees):
    """La plus grande barre : la plus grande valeur, ou la plus grande somme d'une catégorie (empilées)."""
    if empilees:
        return max((_total(vals) for vals in zip(*(s.valeurs for s in series), strict=True)), default=0)
    return max((float(v) for s in series for v in s.valeurs if v is not None), default=0)


def _rect(x, y, largeur, hauteur, couleur, libelle):
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{largeur:.1f}" height="{hauteur:.1f}" fill="{couleur}" stroke="#fff" '
        f'stroke-width="1"><title>{escape(libelle)}</title></rect>'
    )


def _secret(x, y, libelle, ancre="start"):
    """La marque d'une cellule masquée : la lettre « s », le libellé en infobulle."""
    return f"<g><title>{escape(libelle)}</title>{_texte(x, y, SECRET, ancre=ancre)}</g>"


def barres(ident, titre, categories, series, *, unite="", description="", empilees=False, note=""):
    """Barres horizontales (les libellés longs se lisent à gauche) : une barre par série et par catégorie
    (groupées), ou les séries bout à bout (``empilees``). La valeur s'écrit au bout de chaque barre."""
    categories, series, description = _preparer(ident, titre, categories, series, unite, description)
    gauche, droite, haut = 190.0, 70.0, 30.0 if len(series) > 1 else 8.0
    epaisseur = 16.0 if empilees else 14.0
    bande = (epaisseur if empilees else epaisseur * len(series)) + 10
    sommet, pas = echelle(_maximum(series, empilees))
    largeur = LARGEUR - gauche - droite
    hauteur = haut + bande * len(categories) + 24
    corps = _legende(series, 14) if len(series) > 1 else []

    def x_de(valeur):
        return gauche + largeur * float(valeur) / sommet

    for k in range(round(sommet / pas) + 1):
        x = x_de(k * pas)
        corps.append(
            f'<line x1="{x:.1f}" y1="{haut:.1f}" x2="{x:.1f}" y2="{hauteur - 20:.1f}" stroke="{GRILLE}"/>'
            + _texte(x, hauteur - 6, nombre(Decimal(str(k * pas)), ""), ancre="middle")
        )
    for i, categorie in enumerate(categories):
        y0 = haut + i * bande + 5
        etiquette = _texte(gauche - 8, y0 + bande / 2, _abrege(categorie, 25), ancre="end")
        corps.append(f"<g><title>{escape(categorie)}</title>{etiquette}</g>")
        cumul = 0.0
        for j, serie in enumerate(series):
            valeur = serie.valeurs[i]
            y = y0 if empilees else y0 + j * epaisseur
            libelle = f"{categorie} – {serie.nom} : {nombre(valeur, unite)}"
            if valeur is None:
                corps.append(_secret(gauche + 4, y + epaisseur - 3, libelle))
                continue
            x, w = x_de(cumul), largeur * float(valeur) / sommet
            corps.append(_rect(x, y, w, epaisseur - 2, PALETTE[j % len(PALETTE)], libelle))
            if empilees:
                cumul += float(valeur)
            else:
                corps.append(_texte(x + w + 4, y + epaisseur - 4, nombre(valeur, unite)))
        if empilees:
            corps.append(_texte(x_de(cumul) + 4, y0 + epaisseur - 4, nombre(Decimal(str(cumul)), unite)))
    corps.append(f'<line x1="{gauche}" y1="{haut}" x2="{gauche}" y2="{hauteur - 20:.1f}" stroke="{TEXTE}"/>')
    svg = _svg(ident, titre, description, hauteur, corps)
    return Graphique(ident, titre, description, categories, series, unite, svg, note)


def _axe_vertical(sommet, pas, gauche, haut, bas, unite):
    corps = []
    for k in range(round(sommet / pas) + 1):
        y = bas - (bas - haut) * k * pas / sommet
        corps.append(
            f'<line x1="{gauche}" y1="{y:.1f}" x2="{LARGEUR - 10}" y2="{y:.1f}" stroke="{GRILLE}"/>'
            + _texte(gauche - 6, y + 4, nombre(Decimal(str(k * pas)), ""), ancre="end")
        )
    if unite:
        corps.append(_texte(gauche - 6, haut - 10, unite, ancre="end"))
    return corps


def colonnes(ident, titre, categories, series, *, unite="", description="", empilees=False, note=""):
    """Colonnes verticales (les mois d'une année) : groupées, ou empilées (``empilees``)."""
    categories, series, description = _preparer(ident, titre, categories, series, unite, description)
    gauche, haut, bas = 64.0, 44.0, 260.0
    sommet, pas = echelle(_maximum(series, empilees))
    corps = [*_legende(series, 14), *_axe_vertical(sommet, pas, gauche, haut, bas, unite)]
    bande = (LARGEUR - 10 - gauche) / max(len(categories), 1)
    largeur = bande * 0.7 / (1 if empilees else len(series))
    for i, categorie in enumerate(categories):
        x0 = gauche + i * bande + bande * 0.15
        corps.append(_texte(x0 + bande * 0.35, bas + 16, categorie, ancre="middle"))
        cumul = 0.0
        for j, serie in enumerate(series):
            valeur = serie.valeurs[i]
            x = x0 if empilees else x0 + j * largeur
            libelle = f"{categorie} – {serie.nom} : {nombre(valeur, unite)}"
            if valeur is None:
                corps.append(_secret(x + largeur / 2, bas - 4, libelle, ancre="middle"))
                continue
            h = (bas - haut) * float(valeur) / sommet
            y = bas - h - (bas - haut) * cumul / sommet
            corps.append(_rect(x, y, largeur, h, PALETTE[j % len(PALETTE)], libelle))
            if empilees:
                cumul += float(valeur)
    corps.append(f'<line x1="{gauche}" y1="{bas}" x2="{LARGEUR - 10}" y2="{bas}" stroke="{TEXTE}"/>')
    svg = _svg(ident, titre, description, bas + 28, corps)
    return Graphique(ident, titre, description, categories, series, unite, svg, note)


def courbes(ident, titre, categories, series, *, unite="", description="", note=""):
    """Courbes (le rythme dû et les heures faites, mois par mois) : une ligne par série, pleine puis tiretée, un
    point par valeur ; une valeur ``None`` interrompt la ligne."""
    categories, series, description = _preparer(ident, titre, categories, series, unite, description)
    gauche, haut, bas = 64.0, 44.0, 260.0
    maximum = max((float(v) for s in series for v in s.valeurs if v is not None), default=0)
    sommet, pas = echelle(maximum)
    corps = [*_legende(series, 14, traits=True), *_axe_vertical(sommet, pas, gauche, haut, bas, unite)]
    bande = (LARGEUR - 10 - gauche) / max(len(categories), 1)
    for i, categorie in enumerate(categories):
        corps.append(_texte(gauche + bande * (i + 0.5), bas + 16, categorie, ancre="middle"))
    for j, serie in enumerate(series):
        couleur = PALETTE[j % len(PALETTE)]
        tirets = ' stroke-dasharray="6 4"' if j % 2 else ""
        troncons, points = [[]], []
        for i, valeur in enumerate(serie.valeurs):
            if valeur is None:
                troncons.append([])
                continue
            x, y = gauche + bande * (i + 0.5), bas - (bas - haut) * float(valeur) / sommet
            troncons[-1].append(f"{x:.1f},{y:.1f}")
            libelle = f"{categories[i]} – {serie.nom} : {nombre(valeur, unite)}"
            points.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{couleur}"><title>{escape(libelle)}</title></circle>'
            )
        for troncon in troncons:
            if troncon:
                trace = " ".join(troncon)
                corps.append(f'<polyline points="{trace}" fill="none" stroke="{couleur}" stroke-width="2.5"{tirets}/>')
        corps.extend(points)
    corps.append(f'<line x1="{gauche}" y1="{bas}" x2="{LARGEUR - 10}" y2="{bas}" stroke="{TEXTE}"/>')
    svg = _svg(ident, titre, description, bas + 28, corps)
    return Graphique(ident, titre, description, categories, series, unite, svg, note)


def _point(cx, cy, rayon, angle):
    return cx + rayon * math.sin(angle), cy - rayon * math.cos(angle)


def anneau(ident, titre, categories, valeurs, *, unite="", description="", note=""):
    """Un anneau : la part de chaque catégorie dans le total (écrit au centre), avec sa légende et son pourcentage.
    Une seule série ; les cellules masquées n'ont pas de part (leur part n'est pas connue)."""
    categories, (serie,), description = _preparer(
        ident, titre, categories, [Serie(titre, tuple(valeurs))], unite, description
    )
    cx, cy, exterieur, interieur = 120.0, 120.0, 100.0, 60.0
    total = _total(serie.valeurs)
    corps, angle = [], 0.0
    for i, (categorie, valeur) in enumerate(zip(categories, serie.valeurs, strict=True)):
        couleur = PALETTE[i % len(PALETTE)]
        part = float(valeur) / total if valeur and total else 0.0
        pourcentage = nombre(Decimal(str(round(part * 100, 1))), "%") if valeur is not None else SECRET
        libelle = f"{categorie} : {nombre(valeur, unite)} ({pourcentage})"
        y = 2 * cy + 24 + i * 22  # the legend under the ring: long labels keep the whole width
        corps.append(f'<rect x="0" y="{y - 11}" width="12" height="12" fill="{couleur}"/>' + _texte(20, y, libelle))
        if part <= 0:
            continue
        # A whole ring cannot be one arc: draw it as two halves.
        fins = [angle + part * math.pi, angle + 2 * part * math.pi] if part >= 1 else [angle + 2 * part * math.pi]
        debut, chemin = angle, []
        for fin in fins:
            grand = 1 if fin - debut > math.pi else 0
            x1, y1 = _point(cx, cy, exterieur, debut)
            x2, y2 = _point(cx, cy, exterieur, fin)
            x3, y3 = _point(cx, cy, interieur, fin)
            x4, y4 = _point(cx, cy, interieur, debut)
            chemin.append(
                f"M{x1:.2f},{y1:.2f} A{exterieur},{exterieur} 0 {grand} 1 {x2:.2f},{y2:.2f} "
                f"L{x3:.2f},{y3:.2f} A{interieur},{interieur} 0 {grand} 0 {x4:.2f},{y4:.2f} Z"
            )
            debut = fin
        corps.append(
            f'<path d="{" ".join(chemin)}" fill="{couleur}" stroke="#fff" stroke-width="1.5">'
            f"<title>{escape(libelle)}</title></path>"
        )
        angle += 2 * part * math.pi
    if None not in serie.valeurs:  # a total with hidden parts would be misread as theirs
        corps.append(_texte(cx, cy + 6, nombre(Decimal(str(total)), unite), ancre="middle", gras=True))
    hauteur = 2 * cy + 16 + 22 * len(categories)
    svg = _svg(ident, titre, description, hauteur, corps)
    return Graphique(ident, titre, description, categories, (serie,), unite, svg, note)


def progression(ident, libelle, taux, *, statut="vert"):
    """Une barre de progression (un lot) : la part réalisée des heures dues (bornée à 100 % pour le dessin,
    écrite telle quelle), de la couleur de son statut de risque. ``taux`` : une fraction, ``None`` si rien n'est
    dû."""
    largeur, hauteur = 200.0, 14.0
    rempli = 0.0 if taux is None else largeur * min(max(float(taux), 0.0), 1.0)
    texte = "sans objet" if taux is None else nombre((Decimal(str(taux)) * 100).quantize(Decimal("0.1")), "%")
    titre = f"{libelle} : {texte}"
    return mark_safe(  # noqa: S308 (texts escaped)
        f'<svg xmlns="http://www.w3.org/2000/svg" class="progression" viewBox="0 0 {largeur:.0f} {hauteur:.0f}" '
        f'width="{largeur:.0f}" height="{hauteur:.0f}" role="img" aria-labelledby="{ident}-titre" focusable="false">'
        f'<title id="{ident}-titre">{escape(titre)}</title>'
        f'<rect x="0.5" y="0.5" width="{largeur - 1:.0f}" height="{hauteur - 1:.0f}" rx="3" fill="{FOND_PISTE}" '
        f'stroke="#5c5c5c"/>'
        f'<rect x="0.5" y="0.5" width="{max(rempli - 1, 0):.1f}" height="{hauteur - 1:.0f}" rx="3" '
        f'fill="{COULEURS_RISQUE.get(statut, PALETTE[0])}"/></svg>'
    )


def depuis(fabrique, ident, repartition, *, colonnes_retenues=None, **options):
    """Le graphique d'une répartition de ``reporting.indicateurs`` (titre, colonnes, lignes, unité, note)."""
    indices = colonnes_retenues or range(len(repartition.colonnes))
    categories = [ligne.libelle for ligne in repartition.lignes]
    unite = "h" if repartition.unite == "h" else ""
    if fabrique is anneau:
        (indice,) = indices
        valeurs = [ligne.valeurs[indice] for ligne in repartition.lignes]
        return anneau(ident, repartition.titre, categories, valeurs, unite=unite, note=repartition.note, **options)
    series = [Serie(repartition.colonnes[i], [ligne.valeurs[i] for ligne in repartition.lignes]) for i in indices]
    return fabrique(ident, repartition.titre, categories, series, unite=unite, note=repartition.note, **options)
