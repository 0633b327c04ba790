"""What the apps' demo data (``seed_demo``) share."""

from django.utils.text import slugify


def contacts_demo(contacts, *, domaine, telephone):
    """The fields of an organisation's demo contacts, from ``(prénom, nom, rôle, fonction)``: the first one is
    principal; addresses ``prenom.nom@<domaine>``, numbers ``<telephone> 10``, ``… 11``…"""
    for n, (prenom, nom, role, fonction) in enumerate(contacts):
        yield {
            "prenom": prenom,
            "nom": nom,
            "role": role,
            "fonction": fonction,
            "email": f"{slugify(prenom)}.{slugify(nom)}@{domaine}",
            "telephone": f"{telephone} {10 + n:02d}",
            "principal": n == 0,
        }
