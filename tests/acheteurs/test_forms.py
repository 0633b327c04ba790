from acheteurs.forms import AchatPrevuForm, AcheteurForm, ContactForm, ProgrammationForm


def test_the_buyer_form_takes_a_siret_typed_with_spaces_and_leaves_archiving_to_its_button(db):
    form = AcheteurForm({"nom": "Ville de Lens", "type": "commune", "siret": "732 829 320 00074"})
    assert form.is_valid(), form.errors
    assert "archive" not in form.fields
    assert form.cleaned_data["siret"] == "732 829 320 00074"  # the model compacts it when the service saves


def test_forms_under_a_parent_do_not_ask_for_it(db):
    assert "acheteur" not in ContactForm().fields
    assert "acheteur" not in ProgrammationForm().fields
    assert "programmation" not in AchatPrevuForm().fields


def test_dates_use_the_browser_date_picker_and_accept_french_dates(db):
    form = AchatPrevuForm({"objet": "Voirie", "consideration_possible": "oui", "date_prevue": "15/09/2026"})
    assert 'type="date"' in str(form["date_prevue"])
    assert form.is_valid(), form.errors
    assert str(form.cleaned_data["date_prevue"]) == "2026-09-15"


def test_a_planned_purchase_amount_is_a_decimal(db):
    form = AchatPrevuForm({"objet": "Voirie", "consideration_possible": "oui", "montant_estime_ht": "douze"})
    assert not form.is_valid()
    assert form.errors["montant_estime_ht"] == ["Saisissez un nombre."]
