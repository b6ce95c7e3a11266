"""Property-based tests of the OpenAPI schema with Schemathesis against a live test server: no
generated request gets a 500, and every response conforms to the schema. Bounded by examples
(`EXAMPLES` per operation) so the suite stays fast."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gongxin.accounts.models import Role
from gongxin.api.testing import make_client
from gongxin.reporting.models import Return
from gongxin.reporting.tests.helpers import make_return, values
from gongxin.testing import make_enterprise

EXAMPLES = 10
# No 500, and every answer documented and shaped as the schema says. (A schema-valid request that the
# rules refuse — a January period, a figure that fails a check — is a documented 4xx, not a bug.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_server_errors_and_responses_conform(live_server):
    e = make_enterprise("接口测试机械有限公司")
    make_return(e, period="2022-03", status=Return.Status.ACCEPTED, vals=values())
    _, token = make_client("schemathesis", Role.BUREAU_STAFF, rate_limit=1_000_000)
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    checked = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            response = case.call(base_url=live_server.url, headers=headers)
            assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
            case.validate_response(response, checks=CHECKS)

        check()
        checked.append(operation.label)
    assert "GET /api/v1/figures/" in checked
