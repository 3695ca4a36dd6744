"""Decorators for organiser pages: anonymous visitors go to the login page, a role that may
not do something gets 403."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager


def _requiring(allowed):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


organiser_required = _requiring(lambda user: user.may_organise)
admin_required = _requiring(lambda user: user.is_admin)
# The desk on the day: any account (a `checkin` account too); each view asks whether this
# user may use the desk of the event at hand.
desk_required = _requiring(lambda user: True)
