"""The helpdesk database's schema migrations (Alembic).

`env.py`, `script.py.mako` and `versions/` are Alembic's script directory
(alembic.ini at the repository root points here). The modules beside them are
what `Database.create_schema()` runs: `upgrade` (one lock, then the legacy
top-up, stamp and upgrade to head, then the data fix-ups), `legacy` (databases
from before Alembic), `lock` (one migrator at a time) and `compare` (what
autogenerate and the tests compare, and how types are written).
"""
