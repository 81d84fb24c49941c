"""The widget's, the console's and the shop's own texts come from the reply catalogue
in English and Chinese: served as JSON to the scripts (/i18n/<area>/<lang>.json),
written into the pages by the templates, and none left in the scripts."""

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from helpdesk.replies import load_reply_catalogue, placeholders_of
from webapp.app import create_app

STATIC = Path(__file__).resolve().parents[2] / "webapp" / "static"
TEMPLATES = STATIC.parent / "templates"
HAN = re.compile(r"[\u4e00-\u9fff]")
# Texts that read the same in both languages: each language's own name.
SAME_IN_BOTH = {"language_en", "language_zh", "chat_language_zh"}


@pytest.fixture
def client(settings):
    return TestClient(create_app(settings.with_changes(demo_mode=True)))


@pytest.fixture
def catalogue(settings):
    return load_reply_catalogue(settings.knowledge_base_dir)


def test_the_widget_gets_its_texts_in_english_and_in_chinese(client):
    english = client.get("/i18n/widget/en.json")
    chinese = client.get("/i18n/widget/zh.json")
    assert english.status_code == chinese.status_code == 200
    assert english.json()["language"] == "en" and chinese.json()["language"] == "zh"
    assert english.json()["texts"]["send"] == "Send"
    assert english.json()["texts"]["open_chat"] == "Open chat"
    assert chinese.json()["texts"]["send"] == "发送"
    assert chinese.json()["texts"]["chatting_with"] == "客服 {agent} 正在为您服务"
    assert chinese.headers["content-language"] == "zh"


def test_the_console_gets_its_texts_in_both_languages_with_the_list_of_languages(client):
    chinese = client.get("/i18n/console/zh.json").json()
    assert chinese["texts"]["sign_out"] == "退出登录"
    assert chinese["languages"] == ["en", "zh"]
    assert client.get("/i18n/console/en.json").json()["texts"]["sign_out"] == "Sign out"


def test_the_texts_may_be_cached_for_a_while_and_read_from_any_website(client):
    response = client.get("/i18n/widget/zh.json")
    assert response.headers["cache-control"] == "public, max-age=300"
    # The widget runs on the company's own site, another origin than the web app.
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("asked", ["fr", "xx", "EN", "en-GB", ".."])
def test_a_language_the_catalogue_lacks_is_answered_in_english(client, asked):
    answer = client.get(f"/i18n/widget/{asked}.json").json()
    assert answer["language"] == "en"
    assert answer["texts"]["send"] == "Send"


def test_a_regional_chinese_tag_gets_the_chinese_texts(client):
    assert client.get("/i18n/widget/zh-CN.json").json()["language"] == "zh"
    assert client.get("/i18n/console/zh_Hans.json").json()["texts"]["claim"] == "接待"


@pytest.mark.parametrize("area", ["responses", "orders", "nope", "shop"])
def test_only_the_widgets_and_the_consoles_texts_are_served(client, area):
    assert client.get(f"/i18n/{area}/en.json").status_code == 404


@pytest.mark.parametrize("area", ["widget", "console", "shop"])
def test_every_text_exists_in_both_languages_with_the_same_placeholders(catalogue, area):
    english, chinese = catalogue.area(area, "en"), catalogue.area(area, "zh")
    assert english and set(english) == set(chinese)
    for key, text in english.items():
        assert text.strip() and chinese[key].strip(), key
        assert placeholders_of(text) == placeholders_of(chinese[key]), key
        words = re.sub(r"\{\w+\}", "", text)
        if key not in SAME_IN_BOTH and re.search(r"[A-Za-z]{2,}", words):
            assert HAN.search(chinese[key]), f"{area}.{key} is not in Chinese: {chinese[key]!r}"


# ---- no text left in the scripts and pages -------------------------------------------

_KEY_CALL = re.compile(
    r"""\bt\(\s*"([a-z_]+)"|\bt\(\s*([a-z_]+\s*\?\s*"[a-z_]+"\s*:\s*"[a-z_]+")"""
)
_TERNARY_KEYS = re.compile(r'"([a-z_]+)"')
_LABEL_PREFIX = re.compile(r"""label\(\s*"([a-z_]+_)",""")
_TEMPLATE_KEYS = re.compile(
    r"""data-i18n="([a-z_{}]+)"|data-i18n-attr="[\w-]+:([a-z_]+)"|\bt\.([a-z_]+)"""
)
# A quoted sentence: a capital, a word, a space, more words ("Connection lost.").
_SENTENCE = re.compile(r"""(?<![\w\\])["']([A-Z][a-z]+(?: [^"'\n]+|[.…]))["']""")


def _keys_used(source: str) -> set:
    keys = set()
    for single, ternary in _KEY_CALL.findall(source):
        keys.update([single] if single else _TERNARY_KEYS.findall(ternary))
    return keys


def _code_only(source: str) -> str:
    """The script without its comments and its developer-only warnings."""
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.DOTALL)
    source = re.sub(r"(?m)^\s*//.*$|\s//\s.*$", "", source)
    return re.sub(r"(?m)^.*console\.warn.*$", "", source)


@pytest.mark.parametrize(
    "area, scripts",
    [
        ("widget", ["widget/kefu-widget.js"]),
        ("console", sorted(p.name for p in (STATIC / "console").glob("*.js"))),
    ],
)
def test_every_text_a_script_asks_for_is_in_the_catalogue(catalogue, area, scripts):
    texts = catalogue.area(area, "en")
    for name in scripts:
        path = STATIC / name if "/" in name else STATIC / "console" / name
        source = _code_only(path.read_text(encoding="utf-8"))
        used = _keys_used(source)
        # t("language_" + lang): a prefix, like label("status_", ...)
        prefixes = {key for key in used if key.endswith("_")}
        missing = used - prefixes - set(texts)
        assert not missing, f"{name} asks for texts the catalogue lacks: {sorted(missing)}"
        for prefix in prefixes | set(_LABEL_PREFIX.findall(source)):
            assert any(key.startswith(prefix) for key in texts), (name, prefix)


@pytest.mark.parametrize(
    "script",
    ["widget/kefu-widget.js", "widget/kefu-markdown.js", "shop/demo-signin.js"]
    + [f"console/{p.name}" for p in sorted((STATIC / "console").glob("*.js"))],
)
def test_no_script_writes_a_sentence_of_its_own(script):
    code = _code_only((STATIC / script).read_text(encoding="utf-8"))
    assert _SENTENCE.findall(code) == [], f"{script} has texts that belong in the catalogue"


@pytest.mark.parametrize(
    "template, area", [("console.html", "console"), ("console_login.html", "console")]
)
def test_every_text_a_console_page_names_is_in_the_catalogue(catalogue, template, area):
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    texts = catalogue.area(area, "en")
    for groups in _TEMPLATE_KEYS.findall(source):
        for key in filter(None, groups):
            if "{" not in key:
                assert key in texts, (template, key)


# ---- the pages -----------------------------------------------------------------------


def test_the_shop_in_chinese_is_a_chinese_page_whose_widget_follows_it(client):
    page = client.get("/?lang=zh").text
    assert '<html lang="zh">' in page
    assert "数码产品和家电，配送覆盖美国和加拿大" in page and "演示：以客户身份登录" in page
    assert "US$649.00" in page and "US$1,099.00" in page
    assert 'data-title="Brightwave 智能客服"' in page
    assert 'href="/zh/help"' in page  # the help center in the same language
    assert "Electronics and appliances" not in page


def test_the_shop_in_english_reads_as_it_always_did(client):
    page = client.get("/").text
    assert '<html lang="en">' in page
    assert "Electronics and appliances, delivered across the US and Canada" in page
    assert "Free standard shipping on orders over $50." in page
    assert "$649.00" in page and "$1,099.00" in page and "US$" not in page
    assert 'data-title="Brightwave assistant"' in page
    assert "Demo: sign in as a customer" in page and "Browsing anonymously." in page
    assert client.get("/?lang=fr").text == page  # a language the shop lacks: English


def test_the_shop_offers_each_language_by_its_own_name(client):
    page = client.get("/?lang=zh").text
    assert re.search(r'<a href="/\?lang=en" lang="en"[^>]*>English</a>', page)
    assert re.search(r'<a href="/\?lang=zh" lang="zh"[^>]*aria-current="true">中文</a>', page)


def test_the_demo_panels_script_gets_its_texts_from_the_page(client):
    page = client.get("/?lang=zh").text
    assert 'data-text-signed-in="已登录为 {name}。"' in page
    assert 'data-text-failed="抱歉，登录没有成功。"' in page


def test_a_chinese_help_page_has_the_chinese_chrome(client):
    page = client.get("/zh/help").text
    assert '<html lang="zh">' in page and ">帮助中心</a>" in page and ">商城</a>" in page


def test_the_console_pages_carry_the_default_languages_texts_for_their_scripts(client, alex):
    login = client.get("/console/login").text
    texts = json.loads(re.search(r"data-texts='([^']*)'", login).group(1))
    assert texts["sign_in"] == "Sign in" and 'data-languages="en zh"' in login
    console = alex.get("/console").text
    texts = json.loads(re.search(r"data-texts='([^']*)'", console).group(1))
    assert texts["queue_empty"].startswith("No one is waiting.")
    assert "Signed in as <strong" in console and 'src="/static/console/console-i18n.js"' in console


def test_a_text_edited_in_the_catalogue_is_served_without_a_restart(settings, tmp_path):
    import shutil

    kb = tmp_path / "kb"
    shutil.copytree(settings.knowledge_base_dir, kb)
    client = TestClient(create_app(settings.with_changes(knowledge_base_dir=kb)))
    assert client.get("/i18n/widget/en.json").json()["texts"]["send"] == "Send"
    widget = kb / "replies" / "widget.yml"
    widget.write_text(widget.read_text().replace('send: "Send"', 'send: "Go"'))
    assert client.get("/i18n/widget/en.json").json()["texts"]["send"] == "Go"


def test_a_huge_or_odd_language_tag_gets_the_default_texts_or_a_refusal(client):
    for asked in ("a" * 5000, "%00", "zh%2F..%2F..", "中文"):
        answer = client.get(f"/i18n/widget/{asked}.json")
        assert answer.status_code in (200, 404, 414), asked
        if answer.status_code == 200:
            assert answer.json()["language"] == "en"
