"""`boardpack central grant` and whom a laptop syncs for (`boardpack sync --as EMAIL`).

Exempt business stays on the central store for anyone the roles table does not
clear (`db.sync.scope`); these commands tell the store who is who:
- `central grant URL --person EMAIL`: on PostgreSQL, the person's own database
  role, bound by row-level security to what they may read (`grant_user`);
- `sync --as EMAIL`: the person a laptop syncs for, needed when a new laptop
  joins (it has written nothing that would say so). The central store keeps the
  first person a laptop names.
The parsers are added in `desktop/cli.py` (the `central` and `sync` commands live there).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from desktop.cli_base import CliError
from desktop.paths import AppPaths

if TYPE_CHECKING:
    from db.sync.central import CentralStore


def add_grant(central_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`central grant URL --person EMAIL` under the `central` command."""
    grant = central_sub.add_parser(
        "grant", help="give a person their own PostgreSQL role, limited to what they may read"
    )
    grant.add_argument("url", metavar="URL", help="the central store, as its owner")
    grant.add_argument("--person", required=True, metavar="EMAIL", help="the person's email")
    grant.set_defaults(handler=cmd_grant)


def cmd_grant(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.sync.central import grant_user

    role = grant_user(args.url, args.person)
    print(
        f"{args.person} reads the central store as database role {role} (row-level "
        f"security: no exempt business they may not read); set its password with "
        f"ALTER ROLE \"{role}\" PASSWORD '…' and sync their laptop with that user in the URL"
    )
    return 0


def central_for(url: str, email: str | None) -> CentralStore | str:
    """The central store to sync with, for the person with this email (if given)."""
    if email is None:
        return url
    from sqlalchemy import func, select

    from db.models import Person
    from db.sync.central import CentralError, CentralStore

    store = CentralStore(url)
    try:
        with store.engine.connect() as conn:
            person = conn.execute(
                select(Person.__table__.c.id).where(
                    func.lower(Person.__table__.c.email) == email.lower()
                )
            ).scalar()
    except Exception as exc:
        store.close()
        raise CentralError(f"cannot read the central store at {url}: {exc}") from exc
    store.close()
    if person is None:
        raise CliError(f"no one with the email {email} on the central store")
    return CentralStore(url, user_id=str(person))
