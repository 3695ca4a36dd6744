"""With REDIS_URL set, the login limit is one limit for all worker processes, not one each."""

import os

import pytest
import redis

from bench.rush import Visitor, serve

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def clean_redis():
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not running at {REDIS_URL} (.ci/run starts it)")
    connection.flushdb()
    yield
    connection.flushdb()


def test_four_workers_share_one_login_limit(clean_redis, database_url, make_user):
    user = make_user()
    env = {"REDIS_URL": REDIS_URL, "RATELIMIT_ENABLED": "true", "LOGIN_RATE_LIMIT": "5 per minute",
           "MAIL_DELIVERY": "manual"}  # fmt: skip
    with serve(database_url, workers=4, env=env) as url:
        statuses = []
        for _ in range(8):  # each attempt a new connection: the requests spread over the workers
            visitor = Visitor(url)
            token = visitor.form_token("/beheer/inloggen")
            status, _body = visitor.request("/beheer/inloggen", {"csrf_token": token, "email": user.email,
                                                                  "password": "fout-wachtwoord"})  # fmt: skip
            statuses.append(status)
    assert statuses == [401] * 5 + [429] * 3
