"""`peerassist demo` finds each app's demo loader itself: an app adds `demo.py` with `ORDER`
and `load(org)`, and core lists no app by hand."""

from pathlib import Path

from peerassist.core.demo import demo_loaders

PACKAGE = Path(__file__).resolve().parent.parent / "peerassist"


def test_every_apps_demo_module_is_found_in_its_order():
    modules = demo_loaders()
    on_disk = {p.parent.name for p in PACKAGE.glob("*/demo.py")} - {"core"}
    assert {m.__name__.split(".")[1] for m in modules} == on_disk
    # The order the demo's random stream was drawn in (changing it changes the demo).
    assert [m.__name__.split(".")[1] for m in modules] == [
        "assists",
        "live",
        "writeups",
        "communities",
        "invitations",
        "notifications",
        "webhooks",
    ]
    assert all(callable(m.load) for m in modules)
