from pathlib import Path

import pytest

from helpdesk.replies import CatalogueError, load_reply_catalogue, placeholders_of
from ops.paths import ROOT


def test_every_text_of_the_company_catalogue_exists_in_every_language_with_the_same_placeholders():
    catalogue = load_reply_catalogue(ROOT / "knowledge_base")
    assert catalogue.languages == ("en", "zh")
    assert catalogue.problems() == []


def _write(folder: Path, area: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{area}.yml").write_text(text, encoding="utf-8")


def test_a_text_missing_in_one_language_or_with_other_placeholders_is_a_problem(tmp_path):
    _write(tmp_path / "replies", "orders", 'found: "Order {order_id}"\nonly_en: "Hi"\n')
    _write(tmp_path / "zh" / "replies", "orders", 'found: "订单 {order}"\nonly_zh: "你好"\n')
    problems = load_reply_catalogue(tmp_path).problems()
    assert "orders.only_en: missing in 'zh'" in problems
    assert "orders.only_zh: in 'zh' but not in 'en'" in problems
    assert any(p.startswith("orders.found: placeholders") for p in problems)


def test_buttons_must_carry_the_same_payloads_in_every_language(tmp_path):
    _write(
        tmp_path / "replies",
        "responses",
        "utter_x:\n  text: Hi\n  buttons:\n    - {title: Yes, payload: /affirm}\n",
    )
    _write(
        tmp_path / "zh" / "replies",
        "responses",
        "utter_x:\n  text: 你好\n  buttons:\n    - {title: 是, payload: /deny}\n",
    )
    catalogue = load_reply_catalogue(tmp_path)
    assert catalogue.problems() == ["responses.utter_x: buttons differ between the languages"]
    assert catalogue.responses()["utter_x"]["zh"].buttons[0].title == "是"


def test_texts_are_filled_in_the_asked_language_and_fall_back_to_the_default(tmp_path):
    _write(tmp_path / "replies", "orders", 'found: "Order {order_id} is {status}."\n')
    _write(tmp_path / "zh" / "replies", "orders", 'found: "订单 {order_id}：{status}。"\n')
    catalogue = load_reply_catalogue(tmp_path)
    assert catalogue.text("orders.found", "zh", order_id="BW-1", status="已发货") == (
        "订单 BW-1：已发货。"
    )
    assert catalogue.text("orders.found", "fr", order_id="BW-1", status="ok") == (
        "Order BW-1 is ok."
    )
    # a value left out stays visible instead of failing the customer's message
    assert catalogue.text("orders.found", "en", order_id="BW-1") == "Order BW-1 is {status}."


def test_a_broken_catalogue_file_names_the_file(tmp_path):
    _write(tmp_path / "replies", "orders", "found: [unclosed\n")
    with pytest.raises(CatalogueError, match="orders.yml"):
        load_reply_catalogue(tmp_path)


def test_placeholders_are_the_names_in_braces():
    assert placeholders_of("{a} and {b} and {a}") == {"a", "b"}
    assert placeholders_of("no {placeholders") == frozenset()
