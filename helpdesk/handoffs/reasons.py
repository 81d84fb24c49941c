"""Why the bot brings in a person. Agents read each reason in words (queue, tickets,
events): the words are the catalogue's `desk.reason_<key>` (knowledge_base/replies/
desk.yml), rendered by `DeskTexts.reason` in the console's language."""

REASONS = (
    "customer_request",
    "not_understood",
    "customer_upset",
    "fraud",
    "legal",
    "privacy_deletion",
    "verification_failed",
    "backend_error",
    "faq_not_found",
)
