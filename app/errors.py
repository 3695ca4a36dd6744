"""Domain errors that know their HTTP status, so views need no try/except to answer correctly."""

from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, Conflict, Forbidden, NotFound


class DomainError(BadRequest):
    """A request the rules refuse; `description` is shown to the user, in their language."""


class NotAllowed(Forbidden):
    pass


class NotFoundHere(NotFound):
    pass


class StateConflict(Conflict):
    """The thing is not in a state that allows this (e.g. publishing a cancelled event)."""


class StaleEdit(StateConflict):
    """Someone else changed this since the form or editor showed it: nothing was merged."""

    def __init__(self, description=None):
        super().__init__(
            description
            or _l(
                "Iemand anders heeft dit intussen gewijzigd. Bekijk de huidige stand en probeer het opnieuw."
            )
        )
