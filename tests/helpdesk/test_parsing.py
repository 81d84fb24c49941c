import time

import pytest

from helpdesk.parsing import (
    find_order_ids,
    mask_identifiers,
    parse_email,
    parse_items,
    parse_order_id,
    parse_rating,
    parse_ticket_id,
    parse_urgency,
)


@pytest.mark.parametrize(
    "text",
    [
        "BW-104233",
        "bw104233",
        "BW 104233",
        "104233",
        "#104233",
        "where is my order bw-104233?",
        "order number: BW_104233 thanks",
        "ＢＷ－１０４２３３",  # full-width characters from a CJK keyboard
    ],
)
def test_every_customer_spelling_of_an_order_number_is_understood(text):
    assert parse_order_id(text) == "BW-104233"


@pytest.mark.parametrize("text", ["1042335", "call 555-104233", "BW-10423", "zip 10423", ""])
def test_numbers_that_are_not_order_numbers_are_ignored(text):
    assert parse_order_id(text) is None


def test_several_order_numbers_are_found_in_order_without_repeats():
    assert find_order_ids("bw104233 and BW-118402, also 104233") == ["BW-104233", "BW-118402"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("T-00042", 42),
        ("ticket 42", 42),
        ("ticket #7", 7),
        ("t00012", 12),
        ("TICKET NUMBER 12", 12),
    ],
)
def test_ticket_numbers_are_understood(text, expected):
    assert parse_ticket_id(text) == expected


def test_a_bare_number_is_a_ticket_number_only_when_one_was_asked_for():
    assert parse_ticket_id("42") is None
    assert parse_ticket_id("42", allow_bare_number=True) == 42
    assert parse_ticket_id("BW-104233", allow_bare_number=True) is None


def test_emails_are_found_and_lower_cased():
    assert parse_email("it's Maya.Thompson@Example.com, thanks") == "maya.thompson@example.com"
    assert parse_email("maya at example dot com") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", 5),
        ("4/5", 4),
        ("three", 3),
        ("★★", 2),
        ("I'd say 4 out of 5", 4),
        ("great", None),
        ("10", None),
    ],
)
def test_ratings(text, expected):
    assert parse_rating(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("urgent!", "high"),
        ("asap please", "high"),
        ("not urgent", "low"),
        ("whenever", "low"),
        ("soon-ish", "normal"),
        ("hmm", None),
    ],
)
def test_urgency_words(text, expected):
    assert parse_urgency(text) == expected


def test_items_are_split_with_quantities():
    assert parse_items('Aurora 55" TV x1; HDMI cable x2;') == [
        ('Aurora 55" TV', 1),
        ("HDMI cable", 2),
    ]
    assert parse_items("Gift card") == [("Gift card", 1)]


ADVERSARIAL = {
    "one long word": "a" * 5000,
    "dots": "a." * 2500,
    "t and spaces": "t" + " " * 4999,
    "bw and spaces": "bw" + " " * 4998,
    "hashes": "#" * 5000,
    "digits": "1" * 5000,
    "at signs": "a@" * 2500,
    "quantity without item": "a" + " " * 4998 + "x",
}


@pytest.mark.parametrize("text", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_no_message_of_the_allowed_length_makes_the_parsers_backtrack(text):
    # Linear patterns take milliseconds here; the quadratic and cubic ones they
    # replaced took from a second to several minutes on these inputs.
    started = time.perf_counter()
    parse_ticket_id(text, allow_bare_number=True)
    find_order_ids(text)
    mask_identifiers(text)
    parse_email(text)
    parse_rating(text)
    parse_urgency(text)
    parse_items(text)
    assert time.perf_counter() - started < 1.0
