import pytest


@pytest.fixture
def sans_cache(settings):
    """The indicators computed in SQL at each call: to count their queries, or to read data written by factories
    (which write no audit entry, so do not change the data's fingerprint)."""
    settings.INDICATEURS_CACHE_SECONDES = 0
