from django.http import FileResponse, Http404


def fichier_prive(fichier):
    """Serve a private file (task output, signed document, proof) as a download.

    Callers have already checked the member's right to the object that holds it; files are never under
    a public URL.
    """
    if not fichier:
        raise Http404
    return FileResponse(fichier.open("rb"), as_attachment=True, filename=fichier.name.rsplit("/", 1)[-1])
