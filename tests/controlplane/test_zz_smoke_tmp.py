import json, pathlib, pytest
from controlplane.services.declarative import apply_declarative_config, export_declarative_config
from controlplane.declarative.export import render
from controlplane.declarative.errors import InvalidDeclarativeConfig

ROOT = pathlib.Path("/work/shared/fixtures/deck")
FILES = sorted(p for p in ROOT.rglob("*") if p.suffix in (".yaml", ".json"))

@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_fixture(cp, path):
    try:
        diff = apply_declarative_config(cp, path.read_bytes(), actor="t")
    except InvalidDeclarativeConfig as exc:
        print("REFUSED", path.relative_to(ROOT), "::", exc.message)
        return
    doc = export_declarative_config(cp)
    text = render(doc, "yaml")
    again = apply_declarative_config(cp, text, actor="t")
    print("IMPORTED", path.relative_to(ROOT), diff.as_dict()["summary"], "resync:", again.as_dict()["summary"])
    assert again.total == 0, again.as_dict()
