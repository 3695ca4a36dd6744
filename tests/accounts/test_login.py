import pytest

from app.accounts.services import safe_next


def test_organiser_logs_in_and_out(client, auth, make_user):
    user = make_user(email="sanne@example.org")
    response = auth.login(user.email)
    assert response.status_code == 302 and response.location.endswith("/beheer/activiteiten")
    assert client.get("/beheer/activiteiten").status_code == 200
    auth.logout()
    assert client.get("/beheer/activiteiten").status_code == 302


def test_email_is_case_insensitive(auth, make_user):
    make_user(email="sanne@example.org")
    assert auth.login("Sanne@Example.org").status_code == 302


def test_wrong_password_and_unknown_address_get_the_same_answer(auth, make_user):
    user = make_user()
    wrong = auth.login(user.email, "verkeerd-wachtwoord")
    unknown = auth.login("niemand@example.org")
    assert wrong.status_code == unknown.status_code == 401
    assert "Onbekend e-mailadres of onjuist wachtwoord." in wrong.get_data(as_text=True)


def test_blocked_account_cannot_log_in(auth, make_user):
    assert auth.login(make_user(active=False).email).status_code == 401


def test_passwords_are_stored_hashed(make_user):
    from tests.conftest import PASSWORD

    user = make_user()
    assert PASSWORD not in user.password_hash and user.check_password(PASSWORD)


def test_login_follows_a_local_next_but_never_another_site(client, make_user):
    user = make_user()
    data = {"email": user.email, "password": "een-lang-wachtwoord"}
    response = client.post("/beheer/inloggen?next=/beheer/activiteiten/nieuw", data=data)
    assert response.location.endswith("/beheer/activiteiten/nieuw")
    client.post("/beheer/uitloggen")
    response = client.post("/beheer/inloggen?next=https://evil.example/", data=data)
    assert "evil" not in response.location


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/beheer", "/beheer"),
        ("/activiteiten/x?y=1", "/activiteiten/x?y=1"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_next(target, expected):
    assert safe_next(target) == expected


def test_invalid_login_form_is_a_400_with_a_message(client):
    response = client.post("/beheer/inloggen", data={"email": "geen-adres", "password": ""})
    assert response.status_code == 400
    assert "Controleer het formulier" in response.get_data(as_text=True)


@pytest.fixture
def app_config(base_config):
    return {**base_config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}


def test_login_is_rate_limited_with_a_clear_message(client, auth, make_user):
    user = make_user()
    for _ in range(3):
        assert auth.login(user.email, "fout-fout-fout").status_code == 401
    response = auth.login(user.email)
    assert response.status_code == 429
    assert "U heeft dit te vaak geprobeerd" in response.get_data(as_text=True)
    assert client.get("/beheer/inloggen").status_code == 200  # only attempts are limited
