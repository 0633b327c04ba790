import factory

from acheteurs.enums import TypeAcheteur
from acheteurs.models import Acheteur
from entreprises.models import Entreprise
from guichet.enums import Role
from guichet.models import Membre, Utilisateur
from guichet.services import guichet_create

MOT_DE_PASSE = "mot-de-passe-de-test"


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    prenom = "Camille"
    nom = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.PostGenerationMethodCall("set_password", MOT_DE_PASSE)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class GuichetFactory(factory.Factory):
    """Guichets are made by the service, so their settings exist as in production."""

    class Meta:
        model = dict

    slug = factory.Sequence(lambda n: f"guichet-{n}")
    nom = factory.Sequence(lambda n: f"Guichet n°{n}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return guichet_create(**kwargs)


class AcheteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Acheteur

    nom = factory.Sequence(lambda n: f"Commune n°{n}")
    type = TypeAcheteur.COMMUNE


class EntrepriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entreprise

    raison_sociale = factory.Sequence(lambda n: f"Entreprise n°{n}")
    siret = factory.Sequence(lambda n: f"{n:014d}")


class MembreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membre

    utilisateur = factory.SubFactory(UtilisateurFactory)
    role = Role.FACILITATEUR

    class Params:
        acheteur_lie = factory.Trait(
            role=Role.ACHETEUR, acheteur=factory.SubFactory(AcheteurFactory, guichet=factory.SelfAttribute("..guichet"))
        )
        entreprise_liee = factory.Trait(
            role=Role.ENTREPRISE,
            entreprise=factory.SubFactory(EntrepriseFactory, guichet=factory.SelfAttribute("..guichet")),
        )
