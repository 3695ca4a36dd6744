"""Sessions end for real: logging out, a new password or a blocked account ends every session
and remember-me cookie of that user, also a copy of the cookie in another browser."""

import pytest

from app.accounts import services
from app.extensions import db
from tests.conftest import PASSWORD

ORGANISER_PAGE = "/beheer/activiteiten"
NEW_PASSWORD = "een-ander-lang-wachtwoord"


@pytest.fixture
def browser(app):
    """browser() -> a new test client: another browser, with a cookie jar of its own."""
    return app.test_client


def logged_in(client) -> bool:
    response = client.get(ORGANISER_PAGE)
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def copy_cookie(source, target, name: str) -> None:
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie to copy"
    target.set_cookie(name, cookie.value)


def log_in(client, email: str, password: str = PASSWORD, remember: bool = False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/beheer/inloggen", data=data)
    assert response.status_code == 302, response.status_code
    return response


def copied_sessions(browser, email: str):
    """The user's own browser, and two thieves: one with a copy of the session cookie, one
    with only a copy of the remember-me cookie. All three get in."""
    own = browser()
    log_in(own, email, remember=True)
    session_thief, remember_thief = browser(), browser()
    copy_cookie(own, session_thief, "session")
    copy_cookie(own, remember_thief, "remember_token")
    assert logged_in(own) and logged_in(session_thief) and logged_in(remember_thief)
    return own, session_thief, remember_thief


def edit_user(admin_client, user, **changes):
    data = {"name": user.name, "role": user.role, "active": "y" if user.active else "", **changes}
    return admin_client.post(
        f"/beheer/gebruikers/{user.id}", data={k: v for k, v in data.items() if v}
    )


def test_copied_cookie_stops_working_after_logout(browser, make_user):
    user = make_user()
    own, session_thief, remember_thief = copied_sessions(browser, user.email)

    assert own.post("/beheer/uitloggen").status_code == 302

    assert not logged_in(own)
    assert not logged_in(session_thief)
    assert not logged_in(remember_thief)


def test_logout_ends_the_sessions_on_every_device(browser, make_user):
    user = make_user()
    laptop, phone = browser(), browser()
    log_in(laptop, user.email)
    log_in(phone, user.email, remember=True)

    laptop.post("/beheer/uitloggen")

    assert not logged_in(phone)
    log_in(phone, user.email)  # logging in again works, with a fresh token
    assert logged_in(phone)


def test_copied_cookie_stops_working_after_password_change(browser, make_user):
    user = make_user()
    admin = browser()
    log_in(admin, make_user("admin").email)
    own, session_thief, remember_thief = copied_sessions(browser, user.email)

    assert edit_user(admin, user, password=NEW_PASSWORD).status_code == 302

    assert not logged_in(own)
    assert not logged_in(session_thief)
    assert not logged_in(remember_thief)
    log_in(own, user.email, NEW_PASSWORD)
    assert logged_in(own)


def test_admin_who_changes_their_own_password_stays_logged_in_only_here(browser, make_user):
    admin_user = make_user("admin")
    own, session_thief, remember_thief = copied_sessions(browser, admin_user.email)

    assert edit_user(own, admin_user, password=NEW_PASSWORD).status_code == 302

    assert logged_in(own)
    assert not logged_in(session_thief)
    assert not logged_in(remember_thief)


def test_copied_cookie_stops_working_after_deactivation(browser, make_user):
    user = make_user()
    admin = browser()
    log_in(admin, make_user("admin").email)
    own, session_thief, remember_thief = copied_sessions(browser, user.email)

    assert edit_user(admin, user, active="").status_code == 302

    assert not logged_in(own)
    assert not logged_in(session_thief)
    assert not logged_in(remember_thief)
    assert (
        own.post("/beheer/inloggen", data={"email": user.email, "password": PASSWORD}).status_code
        == 401
    )


def test_reactivating_an_account_does_not_revive_its_old_cookies(browser, make_user):
    user = make_user()
    admin = browser()
    log_in(admin, make_user("admin").email)
    own, session_thief, remember_thief = copied_sessions(browser, user.email)
    edit_user(admin, user, active="")
    db.session.refresh(user)

    edit_user(admin, user, active="y")

    assert not logged_in(session_thief)
    assert not logged_in(remember_thief)


def test_changing_name_or_role_keeps_the_user_logged_in(browser, make_user):
    user = make_user()
    admin = browser()
    log_in(admin, make_user("admin").email)
    own = browser()
    log_in(own, user.email)

    assert edit_user(admin, user, name="Nieuwe Naam", role="admin").status_code == 302

    assert logged_in(own)


def test_end_all_sessions_gives_a_new_token(make_user):
    user = make_user()
    old_id = user.get_id()

    services.end_all_sessions(user)

    assert user.get_id() != old_id
    assert services.user_for_session(old_id) is None
    assert services.user_for_session(user.get_id()) is user


def test_every_user_has_a_token_of_their_own(make_user):
    first, second = make_user(), make_user()
    assert len(first.session_token) >= 40
    assert first.session_token != second.session_token


@pytest.mark.parametrize(
    "session_id",
    ["{id}", "{id}:", "{id}:not-the-token", "x:{token}", "²:{token}", ":{token}", ""],
)
def test_a_session_id_without_the_current_token_finds_nobody(make_user, session_id):
    user = make_user()
    assert (
        services.user_for_session(session_id.format(id=user.id, token=user.session_token)) is None
    )


def test_a_blocked_user_is_found_by_no_session(make_user):
    user = make_user()
    session_id = user.get_id()
    user.active = False
    db.session.commit()
    assert services.user_for_session(session_id) is None
