import sqlalchemy as sa

from app.accounts.models import User
from app.agenda.models import SessionChoice
from app.extensions import db
from app.programme.models import Event, Theme
from app.registration.models import Registration

DEMO_MODELS = (User, Event, Theme, Registration, SessionChoice)


def test_demo_data_is_realistic_and_idempotent(runner):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "organisator@kennisagenda.example" in first.output
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in DEMO_MODELS]
    assert counts[3] > 0 and counts[4] > 0  # registrations and workshop choices too

    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0
    assert [
        db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in DEMO_MODELS
    ] == counts

    events = db.session.scalars(sa.select(Event)).all()
    titles = {e.title for e in events}
    assert "Wat gaat er goed tussen generaties?" in titles
    assert {e.kind for e in events} == {"kenniscafe", "themadag"}
    assert {e.status for e in events} == {"draft", "published", "cancelled"}
    assert db.session.scalar(sa.select(Theme).where(Theme.name == "Intergenerationele overdracht"))


def test_demo_organiser_can_log_in(runner, auth):
    runner.invoke(args=["demo-data"])
    response = auth.login("organisator@kennisagenda.example", "demo-wachtwoord")
    assert response.status_code == 302


def test_create_user_asks_for_the_password(runner, auth):
    result = runner.invoke(
        args=["create-user", "Nieuwe@Example.org", "--role", "admin"],
        input="een-goed-wachtwoord\neen-goed-wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "nieuwe@example.org"))
    assert user.is_admin
    assert auth.login("nieuwe@example.org", "een-goed-wachtwoord").status_code == 302


def test_create_user_refuses_a_short_password_and_a_duplicate(runner):
    short = runner.invoke(args=["create-user", "a@example.org"], input="kort\nkort\n")
    assert short.exit_code != 0 and "minstens" in short.output
    runner.invoke(args=["create-user", "a@example.org"], input="lang-genoeg-1\nlang-genoeg-1\n")
    again = runner.invoke(
        args=["create-user", "a@example.org"], input="lang-genoeg-1\nlang-genoeg-1\n"
    )
    assert again.exit_code != 0 and "bestaat al" in again.output
