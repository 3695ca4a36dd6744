"""What registration tells other capabilities (the agenda frees workshop places on these)."""

from blinker import Namespace

_signals = Namespace()

# sender: the Registration; sent inside the transaction, with the event locked.
registration_cancelled = _signals.signal("registration-cancelled")
