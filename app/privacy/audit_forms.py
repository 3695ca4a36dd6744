"""The audit log's filter: a GET form (no CSRF token), its choices read from the log itself."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import Optional, ValidationError

from app.forms import Form, sane_date
from app.privacy import audit
from app.timezones import from_local, to_local


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    actie = SelectField(_l("Wat"), default="")
    activiteit = SelectField(_l("Activiteit"), default="")
    gebruiker = SelectField(_l("Wie"), default="")
    van = DateField(_l("Van"), validators=[Optional(), sane_date])
    tot = DateField(_l("Tot en met"), validators=[Optional(), sane_date])

    def validate_tot(self, field) -> None:
        if field.data and self.van.data and field.data < self.van.data:
            raise ValidationError(_l("Kies een einddatum op of na de begindatum."))

    def filters(self) -> audit.Filters:
        """What was asked, as the log's filters; the dates as whole days in Amsterdam."""
        day = self.van.data
        last = self.tot.data
        return audit.Filters(
            action=self.actie.data or None,
            event_id=int(self.activiteit.data) if self.activiteit.data else None,
            user_id=int(self.gebruiker.data) if self.gebruiker.data else None,
            since=from_local(datetime.combine(day, time())) if day else None,
            until=from_local(datetime.combine(last + timedelta(days=1), time())) if last else None,
        )


def filter_form(formdata) -> AuditFilterForm:
    form = AuditFilterForm(formdata)
    form.actie.choices = [Choice("", _l("Alles"))] + [
        Choice(action.value, label) for action, label in audit.LABELS.items()
    ]
    form.activiteit.choices = [Choice("", _l("Alle activiteiten"))] + [
        Choice(str(e.id), f"{e.title} ({to_local(e.starts_at):%d-%m-%Y})")
        for e in audit.events_in_log()
    ]
    form.gebruiker.choices = [Choice("", _l("Iedereen"))] + [
        Choice(str(user_id), name) for user_id, name in audit.users_in_log()
    ]
    return form
