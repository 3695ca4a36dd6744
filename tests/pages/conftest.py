"""The agenda's themadag, for the workshop and release pages."""

from tests.agenda.conftest import themadag  # noqa: F401
