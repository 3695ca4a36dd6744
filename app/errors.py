"""Domain errors that know their HTTP status, so views need no try/except to answer correctly."""

from werkzeug.exceptions import BadRequest, Conflict, Forbidden, NotFound


class DomainError(BadRequest):
    """A request the rules refuse; `description` is shown to the user, in their language."""


class NotAllowed(Forbidden):
    pass


class NotFoundHere(NotFound):
    pass


class StateConflict(Conflict):
    """The thing is not in a state that allows this (e.g. publishing a cancelled event)."""
