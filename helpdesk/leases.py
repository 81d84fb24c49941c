"""Named leases: one holder at a time across processes, for background work that
must run once however many web processes there are (the sweeper).

A lease is a row: its name, who holds it and until when. `hold` takes or renews
it with one conditional UPDATE (it succeeds only for the holder, or once the
lease has run out) and inserts the row the first time, so the database decides
who holds it and two processes never both believe they do while the lease runs.
A holder that dies simply stops renewing: another takes over once `expires_at`
passes. The holders' clocks must agree to well within the time to live.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, String, delete, insert, or_, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from helpdesk.db import Database
from helpdesk.models import Base, UtcDateTime
from helpdesk.records import RecordsUnavailable


class Lease(Base):
    """Created by migration 0002 (helpdesk/migrations/versions/)."""

    __tablename__ = "leases"

    name = Column(String(64), primary_key=True)
    holder = Column(String(200), nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)


class Leases:
    def __init__(self, db: Database) -> None:
        self.db = db

    def hold(self, name: str, holder: str, ttl: timedelta, now: datetime) -> bool:
        """Takes or renews lease `name` for `holder` until `now + ttl`; False while
        someone else holds it. Raises `RecordsUnavailable` when the database is down."""
        until = now + ttl
        try:
            with self.db.engine.begin() as connection:
                renewed = connection.execute(
                    update(Lease)
                    .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < now))
                    .values(holder=holder, expires_at=until)
                ).rowcount
            if renewed:
                return True
            try:
                with self.db.engine.begin() as connection:
                    connection.execute(
                        insert(Lease).values(name=name, holder=holder, expires_at=until)
                    )
                return True
            except IntegrityError:  # the row exists: held by another (or just inserted)
                return False
        except (OperationalError, InterfaceError) as error:
            raise RecordsUnavailable(str(error).splitlines()[0]) from error

    def release(self, name: str, holder: str) -> None:
        """Gives the lease up now, if `holder` holds it, so another process need
        not wait for it to run out."""
        try:
            with self.db.engine.begin() as connection:
                connection.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
        except (OperationalError, InterfaceError) as error:
            raise RecordsUnavailable(str(error).splitlines()[0]) from error

    def holder_of(self, name: str, now: datetime) -> str | None:
        """Who holds lease `name` at `now` (None: nobody)."""
        with self.db.session() as session:
            row = session.get(Lease, name)
            if row is None or row.expires_at < now:
                return None
            return row.holder
