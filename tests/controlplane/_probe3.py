import json
import pytest
from controlplane import entity_paths
from kongcore.schema import get_schema

VALUES = [1, -1, 1.5, 2**70, "x", "", True, None, [], [1], ["x"], [{"a": 1}], {}, {"a": 1}, {"id": "nope"}, {"name": "s"}, "00000000-0000-0000-0000-000000000000", "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----"]

@pytest.mark.django_db
def test_probe3(owner_api, core, cp):
    owner_api.raise_request_exception = False
    bad = []
    for coll, etype in entity_paths.COLLECTIONS.items():
        for field in get_schema(etype).field_names:
            for v in VALUES:
                for method, url in [("post", core(f"/{coll}")), ("put", core(f"/{coll}/k1")), ("put", core(f"/{coll}/00000000-0000-0000-0000-000000000001"))]:
                    r = getattr(owner_api, method)(url, {field: v}, format="json")
                    if r.status_code >= 500:
                        bad.append((coll, field, v, method, r.status_code))
    for (parent, child) in entity_paths.NESTED:
        r = owner_api.get(core(f"/{parent}/x/{child}"))
        if r.status_code >= 500: bad.append((parent, child, r.status_code))
        r = owner_api.post(core(f"/{parent}/x/{child}"), {}, format="json")
        if r.status_code >= 500: bad.append((parent, child, "post", r.status_code))
    print("BAD", len(bad))
    for b in bad[:40]: print(b)
