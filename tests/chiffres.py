"""The figures the suite prints at its end (issue 10: every reliability point prints its figure in CI).

A test module records its line with ``publier``; ``tests/conftest.py`` prints them all in the terminal summary."""

CHIFFRES: dict[str, str] = {}


def publier(cle: str, ligne: str) -> None:
    CHIFFRES[cle] = ligne
