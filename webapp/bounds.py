"""The range of every integer a request may carry to the database.

Python's integers have no limit, the database's do: SQLite's are 64-bit, and the
id columns are PostgreSQL `integer`, 32-bit. A number past the driver's range is
not a "no such row" but an overflow inside the driver, which would answer 500.
So every integer parameter (query, path, header, body field) declares `le=` (and
`ge=`) within these bounds, and a value outside them is a 422 that names the
limit. tests/webapp/test_bounds.py enumerates the routes, so a new parameter
without bounds fails the tests.
"""

from __future__ import annotations

# The largest id (and offset) any route accepts: fits both databases.
DB_INT_MAX = 2**31 - 1
