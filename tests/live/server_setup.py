"""Prepare a database for an app served in another process (gunicorn, tests/live/test_servers.py).

    python -m tests.live.server_setup <database-url>

Creates the tables and an open consultation with a resident who may add ideas, and prints
them as JSON. It runs as a process of its own because the test suite's session is bound to
the suite's own rolled-back connection, which another process would never see.
"""

from __future__ import annotations

import json
import sys
import tempfile

from participation import create_app
from participation.accounts import services as accounts
from participation.consultations import services as consultations
from participation.core.access import Role
from participation.extensions import db
from participation.settings import Settings

EMAIL = "resident@example.org"
PASSWORD = "a long and secret passphrase"


def main(database_url: str) -> None:
    app = create_app(Settings(env="testing", secret_key="setup", database_url=database_url,
                              mail_outbox_dir=tempfile.mkdtemp(), argon2_time_cost=1,
                              argon2_memory_cost=8192))
    with app.test_request_context():
        db.drop_all()
        db.create_all()
        resident = accounts.register("Rita", EMAIL, PASSWORD, locale="en", confirmed=True)
        staff = accounts.register("Stefan", "staff@example.org", PASSWORD, locale="en", confirmed=True)
        accounts.change_role(staff, Role.STAFF, changed_by=None)
        consultation = consultations.save_consultation(
            None, title="Plagwitz", summary="", description="", map_mode="geographic",
            allowed_kinds=["point"], area=None, keep_area=False, author=staff,
        )
        consultation.state = "open"
        db.session.commit()
        print(json.dumps({"consultation_id": consultation.id, "slug": consultation.slug,
                          "email": EMAIL, "password": PASSWORD, "resident_id": resident.id}))
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
