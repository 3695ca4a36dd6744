"""What the programme tells other capabilities, so that it need not know them: registration
listens to these to promote from the waiting list and to tell registrants."""

from blinker import Namespace

_signals = Namespace()

# sender: the Event. Sent inside the transaction that makes the change, with the event locked.
event_cancelled = _signals.signal("event-cancelled")
event_rescheduled = _signals.signal("event-rescheduled")  # kwargs: changes={field: (before, after)}
capacity_raised = _signals.signal("capacity-raised")
# Receivers return a list of reasons the event cannot be published yet (empty: fine).
publish_requested = _signals.signal("publish-requested")
# sender: the original Event; kwargs: copy (the new draft), shift (timedelta to the new date).
event_duplicated = _signals.signal("event-duplicated")
