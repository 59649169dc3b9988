"""Each API router imports on its own: routers take their errors from bookday.api_errors and
never import the API object, which imports them (an import cycle would only show in a process
where something imported a router before bookday.api, e.g. a worker or a management command)."""

import sys

import pytest

from tests.test_settings import run


def routers() -> list[str]:
    """The modules holding the routers the API adds (found here, where bookday.api is loaded)."""
    from bookday.api import api

    mounted = [router for _prefix, router in api._routers]
    return sorted(
        name
        for name, module in list(sys.modules.items())
        if name.split(".")[0] in {"bookday", "events", "publishers", "home", "figures"}
        and any(value is router for value in vars(module).values() for router in mounted)
        and name != "bookday.api"
    )


ROUTER_MODULES = routers()
api = sys.modules["bookday.api"].api


def test_every_router_of_the_api_is_checked():
    assert {"events.api", "events.api_checkin", "figures.api", "publishers.api"} <= set(ROUTER_MODULES)


@pytest.mark.parametrize("module", [*ROUTER_MODULES, "bookday.api_errors"])
def test_a_router_module_imports_first_in_a_fresh_interpreter(module):
    # Imported before anything else has loaded bookday.api; the API still builds afterwards.
    code = (
        f"import django\ndjango.setup()\nimport {module}\n"
        "from bookday.api import api\nprint(len(api._routers))"
    )
    result = run(code, "bookday.settings.test")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) == len(api._routers)
