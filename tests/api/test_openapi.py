"""The OpenAPI document against the running API: schemathesis generates requests from the
document (valid and invalid parameters) and checks every answer — no server error, a status
the document lists, headers it promises, and a body that fits its schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from tests.api.conftest import IsolatedWSGI


@pytest.fixture
def api_schema(app, programme_world):
    # The real slugs are examples for the path parameter, so generated requests also reach
    # an event with an agenda, not only 404s.
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", IsolatedWSGI(app))


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    # schemathesis 4.32 names each operation's sub-test through `node._nodeid`, which
    # pytest 9 no longer has (it keeps a structured id); give it the plain one back.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=50, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], print_blob=False,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_every_answer_conforms_to_the_document(case):
    case.call_and_validate()


@pytest.mark.parametrize("which", ["day", "cafe", "cancelled", "past"])
def test_real_events_conform_to_the_document(app, programme_world, which):
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", IsolatedWSGI(app))
    operation = document["/events/{slug}"]["GET"]
    slug = getattr(programme_world, which).slug
    response = operation.Case(path_parameters={"slug": slug}).call_and_validate()
    assert response.status_code == 200


def test_the_document_is_openapi_3_1_with_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/api/v1"}]
    assert set(document["paths"]) == {"/events", "/events/{slug}", "/themes", "/openapi.json"}
    events = document["paths"]["/events"]["get"]
    assert {p["name"] for p in events["parameters"]} == {"theme", "kind", "from", "to", "page",
                                                         "per_page", "lang"}  # fmt: skip
    assert set(events["responses"]) == {"200", "304", "400", "404"}
    assert set(events["responses"]["200"]["headers"]) == {
        "ETag",
        "Cache-Control",
        "Link",
        "X-Total-Count",
    }
    assert set(document["paths"]["/events/{slug}"]["get"]["responses"]) == {
        "200",
        "304",
        "400",
        "404",
    }
    speaker = document["components"]["schemas"]["Speaker"]
    assert set(speaker["properties"]) == {"name", "organisation"}  # never an e-mail address
