"""Texts that show what an order number looks like show the company's own example
(company.yml `order_numbers`), in every language, without the actions passing it."""

from dataclasses import replace

import pytest

from actions.speech import Speech
from helpdesk.config import PROJECT_ROOT
from helpdesk.order_numbers import OrderNumberFormat
from helpdesk.replies import load_reply_catalogue

EXAMPLE_TEXTS = [
    "identity.ask_order",
    "identity.not_an_order_number",
    "orders.check_number_hint",
    "ticket_form.pick_order_hint",
]


@pytest.fixture
def catalogue():
    return load_reply_catalogue(PROJECT_ROOT / "knowledge_base")


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("key", EXAMPLE_TEXTS)
def test_texts_show_the_demo_companys_example_order_number(catalogue, facts, language, key):
    assert "BW-104233" in Speech(catalogue, language, facts).say(key)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("key", EXAMPLE_TEXTS)
def test_texts_show_another_companys_example_order_number(catalogue, facts, language, key):
    numbers = OrderNumberFormat(prefix="ORD", separator="/", digits=8, example="ORD/12345678")
    text = Speech(catalogue, language, replace(facts, order_numbers=numbers)).say(key)
    assert "ORD/12345678" in text
    assert "BW-104233" not in text and "{" not in text


def test_an_example_the_caller_passes_is_the_one_shown(catalogue, facts):
    text = Speech(catalogue, "en", facts).say("orders.check_number_hint", order_example="X-1")
    assert text == "Please check the number (it looks like X-1)."
