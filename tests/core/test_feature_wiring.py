"""Features plug themselves in through init_app, never as a side effect of an import."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import participation

PACKAGE = Path(participation.__file__).parent

IMPORT_EVERYTHING = """
import importlib, json, pkgutil
import participation
for module in pkgutil.walk_packages(participation.__path__, "participation."):
    importlib.import_module(module.name)
from participation.core import events, personal_data, targets
from participation.notifications.models import HEADLINES
print(json.dumps({
    "notification kinds": sorted(HEADLINES),
    "event kinds": sorted(events.KINDS),
    "subscribed kinds": sorted(kind for kind, listeners in events._subscribers.items() if listeners),
    "targets": sorted(targets.registered()),
    "data export sections": [section.key for section in personal_data.sections()],
    "erasers": len(personal_data._erasers),
}))
"""


def test_importing_every_module_registers_nothing():
    """Importing a module (a test, a script, a shell) must not change what an app is made of."""
    found = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING],
        capture_output=True, text=True, check=True, cwd=PACKAGE.parent,
    )
    registries = json.loads(found.stdout.strip().splitlines()[-1])
    assert registries == {
        "notification kinds": [],
        "event kinds": [],
        "subscribed kinds": [],
        "targets": [],
        "data export sections": [],
        "erasers": 0,
    }


def test_create_app_wires_every_feature(app):
    from participation.core import events, features, personal_data, targets
    from participation.notifications.models import HEADLINES

    with app.app_context():
        installed = [feature.name for feature in features.registered()]
        assert installed == ["consultations", "projects", "petitions", "council"]
    announced = {"idea.saved", "idea.answered", "comment.created", "project.updated", "mail.written",
                 "petition.opened", "petition.count_changed"}
    assert announced <= set(events.KINDS)
    assert {"idea", "consultation", "project", "petition"} <= set(targets.registered())
    assert {"reply", "comment", "status", "response", "update"} <= set(HEADLINES)
    assert {"account", "ideas", "comments", "notifications", "accessibility_feedback"} <= {
        section.key for section in personal_data.sections()
    }
    assert {"users", "mail", "comments", "notifications", "seed", "petitions"} <= set(app.cli.commands)
    for name in ("open_consultations", "latest_project_updates", "open_petitions", "comment_section",
                 "unread_notifications", "follow_state", "feature_available", "installed_features"):
        assert name in app.jinja_env.globals, name


def test_a_second_app_does_not_register_twice(app):
    from participation import create_app
    from participation.core import events, personal_data

    erasers = list(personal_data._erasers)
    listeners = {kind: events.subscribers(kind) for kind in events.KINDS}
    create_app(app.extensions["settings"])
    assert personal_data._erasers == erasers
    assert {kind: events.subscribers(kind) for kind in events.KINDS} == listeners


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_route_modules_never_import_each_other():
    """Views, staff views, admin views and APIs share their feature's blueprint.py instead."""
    route_modules = sorted(
        path for path in PACKAGE.glob("*/*.py") if path.stem in {"views", "staff_views", "admin_views", "api"}
    )
    assert len(route_modules) >= 8
    loops = {
        f"{path.parent.name}/{path.name}": sorted(
            module for module in _imported_modules(path)
            if module.rsplit(".", 1)[-1] in {"views", "staff_views", "admin_views", "api"}
        )
        for path in route_modules
    }
    assert {name: imported for name, imported in loops.items() if imported} == {}
