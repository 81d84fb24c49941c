"""handoff_events.client_message_id: the widget's id of a customer's message, so a
message the widget sends again (its Rasa process died before saving the
conversation) is kept for the agent once (helpdesk/conversation_records.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # A plain ADD COLUMN on SQLite and PostgreSQL alike: no copy of a big table.
    op.add_column(
        "handoff_events", sa.Column("client_message_id", sa.String(length=64), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("handoff_events") as table:
        table.drop_column("client_message_id")
