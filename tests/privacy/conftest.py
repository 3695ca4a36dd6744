from tests.certificates.conftest import evening  # noqa: F401  (the same attended evening)
