import pytest

def show(r):
    try:
        b = r.json()
    except Exception:
        b = r.content[:200]
    return r.status_code, str(b)[:300]

@pytest.mark.django_db
def test_probe2(owner_api, core, cp):
    owner_api.raise_request_exception = False
    out = []
    def post(path, body, ct="application/json", method="post"):
        r = getattr(owner_api, method)(path, body, content_type=ct)
        out.append((method, path[-40:], body[:80] if isinstance(body, (bytes, str)) else body, show(r)))
    post(core("/plugins"), b'{"name":"rate-limiting","config":{"minute":1e400}}')
    post(core("/plugins"), b'{"name":"rate-limiting","config":{"minute":Infinity}}')
    post(core("/plugins"), b'{"name":"rate-limiting","config":{"hour":NaN}}')
    post(core("/plugins"), "name=rate-limiting&config.second=inf", "application/x-www-form-urlencoded")
    post(core("/plugins"), "name=rate-limiting&config.day=1e999", "application/x-www-form-urlencoded")
    post(core("/services"), b"[" * 200000)
    post(core("/services"), b'{"host":"h","tags":' + b"[" * 900 + b"]" * 900 + b"}")
    post(core("/consumers"), b'{"username":"a\\u0000b"}')
    post(core("/consumers"), b'{"custom_id":"a\\u0000b"}')
    post(core("/consumers"), "username=x%00y", "application/x-www-form-urlencoded")
    post(core("/consumers"), b'{"username":"' + b"u" * 600 + b'"}')
    post(core("/services"), b'{"host":"h","name":"' + b"n" * 600 + b'"}')
    post(core("/consumers"), b'{"username":"ok","tags":["a\\u0000"]}')
    post(core("/consumers"), b'{"username":"\\ud800"}')
    post("/v2/control-planes", b'{"name":"x\\u0000"}')
    post("/v2/control-planes", b'{"name":"y","description":"x\\u0000"}')
    post("/v2/control-planes", b'{"name":"z","labels":{"a\\u0000":"b"}}')
    post("/v2/personal-access-tokens", b'{"name":"z\\u0000"}')
    for p in [core("/consumers/a%00b"), core("/services?tags=a%00"), "/v2/control-planes?filter[name]=a%00", core("/consumers/" + "u" * 600), f"/v2/control-planes/{cp.pk}/changes?after=99999999999999999999999", f"/v2/control-planes/{cp.pk}/changes?size=5&after=1"]:
        r = owner_api.get(p)
        out.append(("get", p[-40:], show(r)))
    for o in out:
        print(o)
