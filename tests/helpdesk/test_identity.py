from datetime import timedelta

import jwt

from helpdesk.identity import VerificationClaim, check_customer_token, issue_customer_token
from helpdesk.verification import verify_customer

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


def test_a_token_signed_with_the_secret_identifies_the_customer():
    check = check_customer_token(issue_customer_token("C1001", SECRET), SECRET)
    assert check.ok and check.customer_id == "C1001"


def test_a_token_signed_with_another_secret_is_refused():
    check = check_customer_token(
        issue_customer_token("C1001", "another-secret-entirely-and-also-long-enough"), SECRET
    )
    assert not check.ok and check.problem == "invalid"


def test_an_expired_token_is_refused_as_expired():
    token = issue_customer_token("C1001", SECRET, ttl=timedelta(minutes=-5))
    assert check_customer_token(token, SECRET).problem == "expired"


def test_unsigned_and_wrong_algorithm_tokens_are_refused():
    unsigned = jwt.encode({"sub": "C1001", "exp": 9999999999}, None, algorithm="none")
    assert not check_customer_token(unsigned, SECRET).ok
    hs512 = jwt.encode({"sub": "C1001", "exp": 9999999999}, SECRET * 2, algorithm="HS512")
    assert not check_customer_token(hs512, SECRET).ok


def test_tokens_without_subject_or_expiry_are_refused():
    no_exp = jwt.encode({"sub": "C1001"}, SECRET, algorithm="HS256")
    no_sub = jwt.encode({"exp": 9999999999}, SECRET, algorithm="HS256")
    assert not check_customer_token(no_exp, SECRET).ok
    assert not check_customer_token(no_sub, SECRET).ok


def test_malformed_tokens_never_raise():
    for token in ["", "abc", "a.b.c", None, 42, {"sub": "C1001"}, "x" * 10000, "é.ü.ñ"]:
        assert not check_customer_token(token, SECRET).ok


def test_verification_needs_the_email_and_one_of_that_customers_orders(records):
    maya = verify_customer(records, VerificationClaim("maya.thompson@example.com", "BW-104101"))
    assert maya is not None and maya.id == "C1001"


def test_verification_accepts_the_email_in_any_case(records):
    assert verify_customer(
        records, VerificationClaim.from_text("Maya.Thompson@EXAMPLE.com", "bw104101")
    )


def test_another_customers_order_does_not_verify(records):
    # BW-104167 belongs to Daniel (C1002), not to Maya.
    assert (
        verify_customer(records, VerificationClaim("maya.thompson@example.com", "BW-104167"))
        is None
    )


def test_unknown_email_and_wrong_pair_look_the_same(records):
    unknown = verify_customer(records, VerificationClaim("nobody@example.com", "BW-104101"))
    wrong = verify_customer(records, VerificationClaim("maya.thompson@example.com", "BW-999999"))
    assert unknown is None and wrong is None
