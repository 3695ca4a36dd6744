"""Every capability's models, imported in one place so that Alembic sees the whole schema."""

from app.accounts.models import Role, User  # noqa: F401
from app.agenda.models import (  # noqa: F401
    AgendaChange,
    AgendaRelease,
    Room,
    Session,
    SessionChoice,
    SessionDraft,
    Speaker,
    SpeakerEdit,
    WorkingCopy,
)
from app.attendance.models import CheckIn, CheckInCode  # noqa: F401
from app.calendar.models import FeedToken  # noqa: F401
from app.certificates.models import (  # noqa: F401
    Certificate,
    CertificateJob,
    CertificateLook,
    HoursCorrection,
)
from app.knowledge import models as knowledge_models  # noqa: F401  (materials)
from app.knowledge import team_models  # noqa: F401  (work teams, followers)
from app.mail.models import OutboxMessage  # noqa: F401
from app.pages import models as page_models  # noqa: F401  (the site's page counter)
from app.privacy import rights_models  # noqa: F401  (confirmation links)
from app.privacy.models import AuditEntry, Consent, ConsentLink  # noqa: F401
from app.programme.models import Accreditation, Event, Theme  # noqa: F401
from app.registration.models import (  # noqa: F401
    GroupMessage,
    ManageToken,
    Participant,
    Question,
    Registration,
)
