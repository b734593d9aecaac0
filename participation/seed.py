"""`flask seed demo`: load the demo data in seeds/ (idempotent, refused in production).

Each feature contributes one function that takes the loaded seed files and adds what is
missing; running the command twice changes nothing the second time.
"""

from __future__ import annotations

from pathlib import Path

import click
import yaml
from flask.cli import AppGroup
from sqlalchemy import select

from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.settings import PROJECT_ROOT

SEEDS_DIR = PROJECT_ROOT / "seeds"

seed_cli = AppGroup("seed", help="Demo data.")


def load_yaml(name: str) -> dict:
    return yaml.safe_load((SEEDS_DIR / name).read_text(encoding="utf-8"))


def seed_users(seeds_dir: Path = SEEDS_DIR) -> int:
    from participation.accounts import services
    from participation.accounts.models import User
    from participation.core.access import Role

    data = load_yaml("users.yaml")
    created = 0
    for entry in data["users"]:
        if db.session.scalar(select(User).where(User.email == entry["email"])) is not None:
            continue
        user = services.register(
            entry["display_name"], entry["email"], data["demo_password"], locale=None, confirmed=True
        )
        services.change_role(user, Role(entry["role"]), changed_by=None)
        created += 1
    return created


def seed_demo() -> dict[str, int]:
    from participation.consultations.seed import seed_consultations
    from participation.council.seed import seed_council
    from participation.moderation.seed import seed_moderation
    from participation.petitions.seed import seed_petitions
    from participation.projects.seed import seed_projects

    counts = {"users": seed_users()}
    counts.update(seed_consultations(SEEDS_DIR))
    counts.update(seed_projects(SEEDS_DIR))  # after consultations: reuses their demo residents
    counts.update(seed_petitions(SEEDS_DIR))  # after consultations: its authors are their residents
    counts.update(seed_council(SEEDS_DIR))
    counts.update(seed_moderation(SEEDS_DIR))  # after projects: reports on comments there
    db.session.commit()
    return counts


@seed_cli.command("demo")
def demo() -> None:
    """Load demo accounts and content (never in production)."""
    if current_settings().production:
        raise click.ClickException("Demo data is never loaded in production.")
    counts = seed_demo()
    click.echo("Demo data loaded: " + ", ".join(f"{name} +{n}" for name, n in counts.items()))
