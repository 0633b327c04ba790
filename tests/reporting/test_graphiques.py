"""The SVG charts: well-formed, accessible (title, description, data table), to scale, contrasted."""

import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest

from reporting import graphiques
from reporting.graphiques import PALETTE, Serie, anneau, barres, colonnes, courbes, echelle, progression

SVG = "{http://www.w3.org/2000/svg}"


def _arbre(svg):
    return ET.fromstring(str(svg))


def _textes(racine):
    return [t.text for t in racine.iter(f"{SVG}text")]


def _luminance(couleur):
    def canal(c):
        c = int(c, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (canal(couleur[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contraste(a, b):
    clair, sombre = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (clair + 0.05) / (sombre + 0.05)


@pytest.mark.parametrize(
    ("maximum", "attendu"),
    [(833, (1000, 250)), (360, (400, 100)), (3, (3, 1)), (0, (1, 1)), (12_500, (15_000, 5_000)), (0.42, (0.6, 0.2))],
)
def test_the_scale_ends_on_a_round_graduation(maximum, attendu):
    assert echelle(maximum) == attendu


def test_every_series_colour_contrasts_with_white_and_text_is_readable():
    assert all(contraste(couleur, "#ffffff") >= 3 for couleur in PALETTE)
    assert all(contraste(couleur, "#ffffff") >= 3 for couleur in graphiques.COULEURS_RISQUE.values())
    assert contraste(graphiques.TEXTE, "#ffffff") >= 4.5


def test_a_chart_is_an_image_named_by_its_title_and_described():
    g = barres("heures-secteur", "Heures par secteur", ["Propreté", "Espaces verts"], [Serie("Réalisées", [100, 85])])
    racine = _arbre(g.svg)
    assert racine.get("role") == "img"
    assert racine.get("aria-labelledby") == "heures-secteur-titre heures-secteur-desc"
    assert racine.find(f"{SVG}title").text == "Heures par secteur"
    assert racine.find(f"{SVG}title").get("id") == "heures-secteur-titre"
    assert racine.find(f"{SVG}desc").text == "Heures par secteur. Propreté 100, Espaces verts 85."
    assert "style=" not in str(g.svg)  # the CSP forbids inline styles


def test_horizontal_bars_are_to_scale_and_labelled_in_french():
    g = barres(
        "b",
        "Heures",
        ["Ville", "Département"],
        [Serie("Dues", [D("940"), D("730")]), Serie("Réalisées", [320, 85])],
        unite="h",
    )
    rects = [r for r in _arbre(g.svg).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    largeurs = {r.find(f"{SVG}title").text: float(r.get("width")) for r in rects}
    # The axis goes up to 1 000 h over the width left by the labels (190 px) and the values (70 px).
    piste = graphiques.LARGEUR - 190 - 70
    assert largeurs["Ville – Dues : 940\u00a0h"] == pytest.approx(piste * 0.94, abs=0.1)
    assert largeurs["Département – Réalisées : 85\u00a0h"] == pytest.approx(piste * 0.085, abs=0.1)
    textes = _textes(_arbre(g.svg))
    assert {"0", "250", "500", "750", "1\u00a0000"} <= set(textes)  # graduations, French grouping
    assert "940\u00a0h" in textes and "Dues" in textes and "Réalisées" in textes  # values and legend


def test_stacked_bars_add_up():
    g = barres("e", "Empilées", ["A"], [Serie("x", [30]), Serie("y", [50])], empilees=True)
    rects = [r for r in _arbre(g.svg).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    (premier, second) = rects
    assert float(second.get("x")) == pytest.approx(float(premier.get("x")) + float(premier.get("width")), abs=0.1)
    assert "80" in _textes(_arbre(g.svg))  # the total at the end of the bar


def test_columns_grouped_and_stacked():
    groupees = colonnes("c", "Mois", ["janv.", "févr."], [Serie("Dues", [40, 20]), Serie("Réalisées", [10, 0])])
    rects = [r for r in _arbre(groupees.svg).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    hauteurs = [float(r.get("height")) for r in rects]
    assert hauteurs[0] == pytest.approx(4 * hauteurs[1]) and hauteurs[2] == pytest.approx(2 * hauteurs[1])
    empilees = colonnes("d", "Mois", ["janv."], [Serie("x", [10]), Serie("y", [30])], empilees=True)
    bas, haut = [r for r in _arbre(empilees.svg).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert float(haut.get("y")) + float(haut.get("height")) == pytest.approx(float(bas.get("y")))


def test_lines_break_on_a_hidden_value_and_the_second_is_dashed():
    g = courbes("l", "Rythme", ["a", "b", "c", "d"], [Serie("Dû", [1, 2, 3, 4]), Serie("Fait", [1, None, 2, 3])])
    lignes = list(_arbre(g.svg).iter(f"{SVG}polyline"))
    assert [len(p.get("points").split()) for p in lignes] == [4, 1, 2]
    assert lignes[0].get("stroke-dasharray") is None and lignes[1].get("stroke-dasharray") == "6 4"
    assert len(list(_arbre(g.svg).iter(f"{SVG}circle"))) == 7


def test_hidden_cells_show_the_statistical_secret_mark_and_table():
    g = barres("p", "Personnes par sexe", ["Femme", "Homme"], [Serie("Personnes", [None, 12])])
    assert "s" in _textes(_arbre(g.svg))
    entetes, lignes = g.tableau()
    assert entetes == ["", "Personnes"] and lignes == [["Femme", "s"], ["Homme", "12"]]


def test_a_ring_draws_each_share_and_writes_the_total():
    g = anneau("a", "Heures par modalité", ["Embauche", "Formation", "Sous-traitance"], [345, 20, 40], unite="h")
    racine = _arbre(g.svg)
    titres = [p.find(f"{SVG}title").text for p in racine.iter(f"{SVG}path")]
    assert titres == [
        "Embauche : 345\u00a0h (85,2\u00a0%)",
        "Formation : 20\u00a0h (4,9\u00a0%)",
        "Sous-traitance : 40\u00a0h (9,9\u00a0%)",
    ]
    assert "405\u00a0h" in _textes(racine)


def test_a_ring_of_one_category_is_a_whole_ring():
    racine = _arbre(anneau("u", "Tout", ["A", "B"], [10, 0]).svg)
    (chemin,) = racine.iter(f"{SVG}path")
    assert chemin.get("d").count("M") == 2  # two halves


def test_progress_bar_is_capped_and_coloured_by_risk():
    racine = _arbre(progression("lot-1", "Lot 1", D("1.25"), statut="rouge"))
    piste, barre = racine.iter(f"{SVG}rect")
    assert float(barre.get("width")) == pytest.approx(float(piste.get("width")))
    assert barre.get("fill") == graphiques.COULEURS_RISQUE["rouge"]
    assert racine.find(f"{SVG}title").text == "Lot 1 : 125\u00a0%"
    assert _arbre(progression("lot-2", "Lot 2", None)).find(f"{SVG}title").text == "Lot 2 : sans objet"


def test_text_is_escaped():
    g = barres("x", "<script>", ["A & B"], [Serie("<s>", [1])])
    assert "<script>" not in str(g.svg) and "A &amp; B" in str(g.svg)


def test_a_series_without_one_value_per_category_is_refused():
    with pytest.raises(ValueError, match="une valeur par catégorie"):
        barres("x", "t", ["a", "b"], [Serie("s", [1])])
