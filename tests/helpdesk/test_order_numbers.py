"""The order-number format is company data (company.yml `order_numbers`): the demo's
format must read every spelling it read when it was hard-coded, and another
company's format must work in the parsers, the import's check and Rasa's pattern."""

import re
from pathlib import Path

import pytest
import yaml

from helpdesk.company import load_company
from helpdesk.config import PROJECT_ROOT
from helpdesk.order_numbers import (
    OrderNumberFormatError,
    current_order_numbers,
    order_number_format,
)
from helpdesk.parsing import mask_identifiers, parse_order_id

KNOWLEDGE_BASE = PROJECT_ROOT / "knowledge_base"
# data/nlu/entities.yml's order_id pattern before the format became company data
# (`git show 20cc887:data/nlu/entities.yml`), written by hand for BW- and six digits.
HAND_WRITTEN_RASA_PATTERN = (
    r"(?i)(?:(?<![a-z\d_])[bｂ][wｗ][\s\-_#:.]*|[#＃]\s*|(?<![a-z\d_]))\d{6}(?![a-z\d_])"
)
SPELLINGS = [
    "BW-104233",
    "bw104233",
    "BW 104233",
    "104233",
    "#104233",
    "where is my order bw-104233?",
    "order number: BW_104233 thanks",
    "ＢＷ－１０４２３３",  # full-width characters from a CJK keyboard
    "ｂｗ１０４２３３",
    "＃１０４２３３",
    "我的订单BW104233到哪了",
    "订单104233到哪了",
    "where is bw 104233",
]
NOT_ORDER_NUMBERS = ["1042335", "call 555-104233", "BW-10423", "zip 10423", "BW1042335", ""]


def company_yml_with(tmp_path: Path, **order_numbers: object) -> Path:
    """A knowledge-base folder whose company.yml is the demo's with another format."""
    raw = yaml.safe_load((KNOWLEDGE_BASE / "company.yml").read_text(encoding="utf-8"))
    raw["order_numbers"] = order_numbers
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "company.yml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    return folder


@pytest.fixture
def other_company(tmp_path):
    return order_number_format(
        company_yml_with(tmp_path, prefix="ORD", separator="/", digits=8, example="ORD/12345678")
    )


@pytest.mark.parametrize("text", SPELLINGS)
def test_the_demo_format_reads_every_spelling_customers_type(text):
    assert order_number_format(KNOWLEDGE_BASE).first(text) == "BW-104233"


@pytest.mark.parametrize("text", NOT_ORDER_NUMBERS)
def test_the_demo_format_ignores_numbers_that_are_not_order_numbers(text):
    assert order_number_format(KNOWLEDGE_BASE).first(text) is None


def test_the_demo_format_is_what_the_company_facts_carry():
    facts = load_company(KNOWLEDGE_BASE, "zh")
    assert facts.order_numbers == order_number_format(KNOWLEDGE_BASE)
    assert facts.order_numbers.example == "BW-104233"


@pytest.mark.parametrize(
    "text",
    [
        "ord/12345678",
        "ORD 12345678",
        "Ord-12345678",
        "#12345678",
        "12345678",
        "订单ORD12345678到哪了",
        "ＯＲＤ／１２３４５６７８",
    ],
)
def test_another_companys_format_reads_its_own_numbers(other_company, text):
    assert other_company.first(text) == "ORD/12345678"


@pytest.mark.parametrize(
    "text", ["BW-104233", "104233", "ord/123456", "123456789", "ord/1234567", "5/12345678"]
)
def test_another_companys_format_ignores_numbers_of_other_lengths(other_company, text):
    assert other_company.first(text) is None


def test_another_companys_numbers_are_written_and_checked_its_way(other_company):
    assert other_company.canonical("00000042") == "ORD/00000042"
    assert other_company.find_all("ord 11111111, #22222222 and ORD/11111111") == [
        "ORD/11111111",
        "ORD/22222222",
    ]
    assert other_company.is_canonical("ORD/12345678")
    assert not other_company.is_canonical("ORD-12345678")
    assert not other_company.is_canonical("ORD/1234567")
    assert not other_company.is_canonical("BW-104233")


def test_the_parsers_take_an_explicit_format(other_company):
    assert parse_order_id("订单ORD12345678到哪了", numbers=other_company) == "ORD/12345678"
    assert parse_order_id("订单ORD12345678到哪了") is None  # the demo's format: 6 digits


def test_the_parsers_default_to_the_format_of_the_configured_knowledge_base(tmp_path, monkeypatch):
    folder = company_yml_with(
        tmp_path, prefix="ORD", separator="/", digits=8, example="ORD/12345678"
    )
    monkeypatch.setenv("KEFU_KNOWLEDGE_BASE", str(folder))
    current_order_numbers.cache_clear()
    try:
        assert parse_order_id("where is ord 12345678") == "ORD/12345678"
        assert mask_identifiers("where is ord 12345678") == "where is ordernumber"
    finally:
        current_order_numbers.cache_clear()


def test_an_example_that_does_not_fit_the_format_is_refused_when_loaded(tmp_path):
    folder = company_yml_with(tmp_path, prefix="ORD", separator="/", digits=8, example="BW-104233")
    with pytest.raises(OrderNumberFormatError, match=r"company\.yml: order_numbers: .*BW-104233"):
        order_number_format(folder)


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ({"prefix": "B1", "separator": "-", "digits": 6, "example": "B1-104233"}, "letters"),
        ({"prefix": "BW", "separator": "--", "digits": 6, "example": "BW--104233"}, "separator"),
        ({"prefix": "BW", "separator": "-", "digits": 2, "example": "BW-10"}, "digits"),
        ({"prefix": "BW", "separator": "-", "example": "BW-104233"}, "digits missing"),
    ],
)
def test_a_format_that_cannot_work_is_refused_with_the_reason(tmp_path, block, problem):
    with pytest.raises(OrderNumberFormatError, match=problem):
        order_number_format(company_yml_with(tmp_path, **block))


def test_prefix_letters_written_in_lower_case_are_capitals_in_records(tmp_path):
    folder = company_yml_with(tmp_path, prefix="bw", separator="-", digits=6, example="BW-104233")
    assert order_number_format(folder).first("bw104233") == "BW-104233"


def test_the_rasa_pattern_of_the_demo_format_matches_what_the_hand_written_one_matched():
    built = re.compile(order_number_format(KNOWLEDGE_BASE).rasa_regex(), re.IGNORECASE)
    before = re.compile(HAND_WRITTEN_RASA_PATTERN, re.IGNORECASE)
    for text in SPELLINGS + NOT_ORDER_NUMBERS:
        found = [(m.span(), m.group()) for m in built.finditer(text)]
        assert found == [(m.span(), m.group()) for m in before.finditer(text)], text
    assert built.search("我的订单BW104233到哪了").group() == "BW104233"


def test_the_rasa_pattern_of_another_format_matches_its_full_width_letters(other_company):
    pattern = re.compile(other_company.rasa_regex(), re.IGNORECASE)
    assert pattern.search("订单ＯＲＤ１２３４５６７８到哪了").group() == "ＯＲＤ１２３４５６７８"
    assert pattern.search("where is ord/12345678?").group() == "ord/12345678"
    assert pattern.search("where is BW-104233?") is None
