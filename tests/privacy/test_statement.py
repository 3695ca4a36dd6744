"""The privacy statement states the periods the code applies, from the same configuration."""

import pytest


@pytest.fixture
def app_config(base_config):
    return {**base_config, "PRIVACY_RETENTION_MONTHS": 18, "PRIVACY_CERTIFICATE_YEARS": 6}


def test_the_statement_names_the_configured_periods(client):
    text = client.get("/privacy").get_data(as_text=True)
    assert "18 maanden na de activiteit anoniem" in text
    assert "registratienummers 6 jaar na de activiteit" in text
