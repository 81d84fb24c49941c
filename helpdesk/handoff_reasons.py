"""Why the bot brings in a person, in words agents read (queue, tickets, events)."""

REASONS = {
    "customer_request": "The customer asked for a person",
    "not_understood": "The bot did not understand the customer twice in a row",
    "customer_upset": "The customer is upset",
    "fraud": "Possible fraud or an unauthorised order",
    "legal": "A legal matter",
    "privacy_deletion": "A request to delete personal data",
    "verification_failed": "The customer could not verify their identity",
    "backend_error": "The bot could not reach the customer records",
    "faq_not_found": "The bot could not find an answer",
}
