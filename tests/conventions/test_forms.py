from conventions.forms import ConventionForm, EvenementForm

from ..factories import AcheteurFactory, ConventionFactory


def test_every_convention_field_is_in_one_group_of_the_page(db):
    groupes = [name for _, names in ConventionForm.groupes for name in names]
    assert sorted(groupes) == sorted(ConventionForm._meta.fields)


def test_the_buyer_is_chosen_among_the_active_buyers_of_the_guichet(deux_guichets):
    a, b = deux_guichets
    with b.scope():
        etranger = AcheteurFactory(guichet=b.guichet)
    with a.scope():
        archive = AcheteurFactory(guichet=a.guichet, archive=True)
        actif = AcheteurFactory(guichet=a.guichet)
        choix = set(ConventionForm(guichet=a.guichet).fields["acheteur"].queryset)
        assert actif in choix and archive not in choix and etranger not in choix
        # An archived buyer stays selectable on its own convention.
        convention = ConventionFactory(guichet=a.guichet, acheteur=archive)
        assert archive in set(ConventionForm(guichet=a.guichet, instance=convention).fields["acheteur"].queryset)
        form = ConventionForm({"acheteur": etranger.pk}, guichet=a.guichet)
        assert not form.is_valid() and "acheteur" in form.errors
        assert set(EvenementForm(guichet=a.guichet).fields["acheteurs"].queryset) == {
            actif,
            a.membres["acheteur"].acheteur,
        }


def test_services_are_checkboxes_of_the_offer(guichet_a):
    with guichet_a.scope():
        form = ConventionForm({"services": ["sourcing", "inconnu"]}, guichet=guichet_a.guichet)
        assert 'type="checkbox"' in str(form["services"])
        assert not form.is_valid()
    assert form.errors["services"] == ["Sélectionnez un choix valide. inconnu n’en fait pas partie."]
