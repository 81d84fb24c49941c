"""Who is speaking is decided by proof on each message: the website's token, or a
verification Kefu recorded for the conversation; and verification cannot be guessed
across conversations."""

from datetime import timedelta

from helpdesk.attempts import AttemptLimiter
from helpdesk.conversation_identity import ConversationIdentities, identify
from helpdesk.identity import VerificationClaim, issue_customer_token
from helpdesk.verification import Verifier, verification_policies
from tests.conftest import OPEN_HOURS

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
MAYA = VerificationClaim("maya.thompson@example.com", "BW-104101")


def test_a_valid_token_identifies_the_customer_on_that_message(records, demo_db):
    identities = ConversationIdentities(demo_db)
    token = issue_customer_token("C1001", SECRET)
    identity, problem = identify("conv", token, records, identities, SECRET, OPEN_HOURS)
    assert identity.customer.id == "C1001" and identity.method == "token" and problem is None
    # The next message without the token proves nothing: the token was not recorded.
    assert identify("conv", None, records, identities, SECRET, OPEN_HOURS) == (None, None)


def test_a_recorded_verification_holds_for_its_conversation_only_and_expires(records, demo_db):
    identities = ConversationIdentities(demo_db, lifetime=timedelta(hours=12))
    identities.bind("conv", "C1001", "verification", OPEN_HOURS)
    mine, _ = identify("conv", None, records, identities, SECRET, OPEN_HOURS)
    assert mine.customer.id == "C1001" and mine.method == "verification"
    assert identify("other-conv", None, records, identities, SECRET, OPEN_HOURS)[0] is None
    later = OPEN_HOURS + timedelta(hours=12)
    assert identify("conv", None, records, identities, SECRET, later)[0] is None


def test_a_forged_or_expired_token_proves_nothing_and_says_why(records, demo_db):
    identities = ConversationIdentities(demo_db)
    forged = issue_customer_token("C1001", "a-forger-with-another-secret-of-his-own")
    expired = issue_customer_token("C1001", SECRET, timedelta(minutes=-5))
    assert identify("conv", forged, records, identities, SECRET, OPEN_HOURS) == (None, "invalid")
    assert identify("conv", expired, records, identities, SECRET, OPEN_HOURS) == (None, "expired")


def verifier(records, demo_db) -> Verifier:
    identities = ConversationIdentities(demo_db)
    return Verifier(records, identities, AttemptLimiter(demo_db, verification_policies(3, 10)))


def test_a_matching_pair_verifies_and_is_recorded_for_the_conversation(records, demo_db):
    check = verifier(records, demo_db)
    assert check.verify("conv", MAYA, "203.0.113.1", OPEN_HOURS).id == "C1001"
    assert check.identities.binding("conv", OPEN_HOURS).customer_id == "C1001"


def test_guesses_across_conversations_lock_the_email_and_a_locked_email_reads_as_wrong(
    records, demo_db
):
    check = verifier(records, demo_db)
    for n in range(3):
        wrong = VerificationClaim(MAYA.email, f"BW-10400{n}")
        assert check.verify(f"conv-{n}", wrong, f"198.51.100.{n}", OPEN_HOURS) is None
    # The right pair, in a new conversation, from a new address: locked, and
    # answered exactly as a wrong pair is (None), and nothing recorded.
    assert check.verify("conv-new", MAYA, "192.0.2.1", OPEN_HOURS) is None
    assert check.identities.binding("conv-new", OPEN_HOURS) is None
    assert check.verify("conv-new", MAYA, "192.0.2.1", OPEN_HOURS + timedelta(minutes=1)).id == "C1001"


def test_one_client_guessing_many_emails_is_locked_for_all_of_them(records, demo_db):
    check = verifier(records, demo_db)
    for n in range(10):
        guess = VerificationClaim(f"guess{n}@example.org", "BW-104101")
        assert check.verify(f"conv-{n}", guess, "203.0.113.9", OPEN_HOURS) is None
    assert check.verify("conv-x", MAYA, "203.0.113.9", OPEN_HOURS) is None
    assert check.verify("conv-y", MAYA, "203.0.113.10", OPEN_HOURS).id == "C1001"
