import json
import pytest
from rest_framework.test import APIClient

BAD_BODIES = [b"[]", b'"x"', b"1", b"null", b"{bad", b'{"name": 1}', b"\xff\xfe", b'{"name":"a","port":1e400}', b'{"port": 99999999999999999999999999}']

def show(r):
    try:
        b = r.json()
    except Exception:
        b = r.content[:200]
    return r.status_code, b

@pytest.mark.django_db
def test_probe(owner_api, core, cp, capsys):
    out = []
    owner_api.raise_request_exception = False
    svc = owner_api.post(core("/services"), {"name": "s", "host": "h"}, format="json").json()
    rt = owner_api.post(core("/routes"), {"name": "r", "paths": ["/"], "service": {"id": svc["id"]}}, format="json").json()
    con = owner_api.post(core("/consumers"), {"username": "u"}, format="json").json()
    pl = owner_api.post(core("/plugins"), {"name": "cors"}, format="json").json()
    out.append(("pl", pl))
    for coll in ["services", "routes", "consumers", "plugins"]:
        for body in BAD_BODIES:
            for method in ["post"]:
                r = getattr(owner_api, method)(core(f"/{coll}"), body, content_type="application/json")
                out.append((coll, method, body, show(r)))
            for key in ["s", "r", "u", "nope", svc["id"]]:
                r = owner_api.patch(core(f"/{coll}/{key}"), body, content_type="application/json")
                out.append((coll, "patch", key, body, show(r)))
                r = owner_api.put(core(f"/{coll}/{key}"), body, content_type="application/json")
                out.append((coll, "put", key, body, show(r)))
    # field types
    fields = ["name","host","port","protocol","path","retries","connect_timeout","enabled","tags","url","id","created_at","updated_at","service","route","consumer","config","paths","methods","hosts","headers","snis","username","custom_id","instance_name","protocols","regex_priority","strip_path","https_redirect_status_code","path_handling"]
    vals = [1, "x", [], {}, [1], {"a": 1}, True, None, 1e308, -1, 2**70, "00000000-0000-0000-0000-000000000000", {"id": "nope"}, {"name": "zz"}, {"id": 1}, [{"a":1}], {"name": 1}]
    for coll in ["services", "routes", "consumers", "plugins"]:
        for f in fields:
            for v in vals:
                base = {"services": {"host": "h2"}, "routes": {"paths": ["/x"]}, "consumers": {"username": "uu"}, "plugins": {"name": "key-auth"}}[coll]
                body = dict(base); body[f] = v
                r = owner_api.post(core(f"/{coll}"), body, format="json")
                if r.status_code >= 500 or r.status_code in (201,) and f in ("id",) :
                    out.append(("FIELD", coll, f, v, show(r)))
                if r.status_code == 201:
                    owner_api.delete(core(f"/{coll}/{r.json()['id']}"))
                for key in [{"services": "s", "routes": "r", "consumers": "u", "plugins": pl["id"]}[coll]]:
                    r = owner_api.patch(core(f"/{coll}/{key}"), {f: v}, format="json")
                    if r.status_code >= 500:
                        out.append(("PATCHFIELD", coll, f, v, show(r)))
                    r = owner_api.put(core(f"/{coll}/zzz{f}"), body, format="json")
                    if r.status_code >= 500:
                        out.append(("PUTFIELD", coll, f, v, show(r)))
    paths = ["/services/s/routes/nope", "/services/nope/routes", "/routes/r/service", "/routes/nope/service", "/bogus", "/bogus/x", "/bogus/x/y", "/services/s/bogus", "/services/s/routes/r", "/services/s/routes/r/plugins", "/consumers/u/plugins", "/services/not-a-uuid", "/services/%00", "/services?size=0", "/services?size=abc", "/services?size=1001", "/services?offset=!!", "/services?offset=AAAA", "/services?tags=", "/services?tags=a,/b", "/routes/r/plugins/nope", "/services/s/plugins"]
    for p in paths:
        for m in ["get", "post", "put", "patch", "delete"]:
            r = getattr(owner_api, m)(core(p), {}, format="json") if m != "get" else owner_api.get(core(p))
            out.append(("PATH", m, p, show(r)))
    for p in ["/v2/control-planes/nope", "/v2/control-planes/nope/core-entities/services", "/v2/control-planes/nope/changes", "/v2/personal-access-tokens/nope", "/v2/control-planes/00000000-0000-0000-0000-000000000000/core-entities/services", f"/v2/control-planes/{cp.pk}/changes?after=x", f"/v2/control-planes/{cp.pk}/changes?after=-5", f"/v2/control-planes/{cp.pk}/changes?after=99999999999999999999999"]:
        out.append(("CP", p, show(owner_api.get(p))))
    for body in [b"[]", b'"x"', b'{"name": 5}', b'{"name":"a","labels":[]}', b'{"name":"b","config":{"incremental_sync":"yes"}}', b'{"name":"c","config":{"other":1}}', b'{"name":"d","description":null}', b'{"name":"e","labels":null}', b'{"name":"default"}']:
        out.append(("CPPOST", body, show(owner_api.post("/v2/control-planes", body, content_type="application/json"))))
        out.append(("CPPATCH", body, show(owner_api.patch(f"/v2/control-planes/{cp.pk}", body, content_type="application/json"))))
    for body in [b"[]", b'{"name": 5}', b'{"name":"a","expires_in_days":0}', b'{"name":"a","expires_in_days":1e10}', b'{"name":"a","expires_in_days":99999999999}', b'{"name":"a","expires_in_days":true}']:
        out.append(("TOK", body, show(owner_api.post("/v2/personal-access-tokens", body, content_type="application/json"))))
    with capsys.disabled():
        with open("/tmp/probe/out.txt", "w") as f:
            for o in out:
                f.write(repr(o) + "\n")
