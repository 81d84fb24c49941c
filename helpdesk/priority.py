"""How urgent a ticket or a handoff is, from the customer's tier, the urgency they
chose and how upset they are. Higher is more urgent; agents work from the top."""

from __future__ import annotations

from helpdesk.company import CompanyFacts


def priority_score(
    facts: CompanyFacts, tier: str | None, urgency: str | None, negativity: float = 0.0
) -> int:
    """tier weight x urgency weight (1-9), plus up to 2 for an upset customer."""
    base = facts.tier(tier).priority_weight * facts.urgency_weight(urgency)
    return base + round(2 * max(0.0, min(1.0, negativity)))
