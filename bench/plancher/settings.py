"""Settings of the load bench (``bench/charge.py``): the site's, with the URLs of ``plancher.urls`` (the site plus a
trivial view, the floor) and without debug. Never used outside the bench."""

from guichet.settings import *  # noqa: F403 (the site's settings, unchanged but these two)

DEBUG = False
ROOT_URLCONF = "plancher.urls"
