from .models import JournalAudit


def audit(*, guichet, acteur, action, cible, **details):
    """Write one audit entry. Call it from a service, inside the service's transaction."""
    return JournalAudit.objects.create(
        guichet=guichet,
        acteur=acteur if acteur is not None and acteur.is_authenticated else None,
        action=action,
        cible_type=cible._meta.label_lower,
        cible_id=str(cible.pk),
        cible_libelle=str(cible)[:255],
        details=details,
    )
