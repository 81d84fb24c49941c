"""The one Markdown renderer the widget and the console share
(webapp/static/widget/kefu-markdown.js), run in real Chromium on its own: which
links become links, what stays text exactly as written, and that nothing in the
text ever becomes markup."""

import pytest

from helpdesk.config import PROJECT_ROOT

pytestmark = pytest.mark.browser

RENDERER = PROJECT_ROOT / "webapp" / "static" / "widget" / "kefu-markdown.js"


@pytest.fixture
def render(browser):
    """Renders a text into a fresh <div> and answers its child nodes as
    [tag, text, {attributes}] (text nodes as ["#text", text, {}]), nested."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(RENDERER))

    def rendered(text):
        return page.evaluate(
            """text => {
                const shape = node => node.nodeType === Node.TEXT_NODE
                  ? ["#text", node.textContent, {}]
                  : [node.tagName.toLowerCase(),
                     Array.from(node.childNodes).map(shape),
                     Object.fromEntries(Array.from(node.attributes).map(a => [a.name, a.value]))];
                const box = document.createElement("div");
                const answered = window.KefuMarkdown.render(box, text);
                return { same: answered === box, nodes: Array.from(box.childNodes).map(shape),
                         text: box.textContent, links: Array.from(box.querySelectorAll("a"))
                           .map(a => [a.textContent, a.getAttribute("href"), a.target, a.rel]) };
            }""",
            text,
        )

    rendered.page = page
    yield rendered
    context.close()


def test_safe_links_are_links_opening_apart_and_site_paths_stay_on_the_site(render):
    out = render(
        "See [returns](/help/returns#window), [mail us](mailto:help@brightwave.example), "
        "[call](tel:+15550100) or https://www.brightwave.example/help/shipping."
    )
    assert out["same"]
    assert out["links"] == [
        ["returns", "/help/returns#window", "_blank", "noopener noreferrer"],
        ["mail us", "mailto:help@brightwave.example", "_blank", "noopener noreferrer"],
        ["call", "tel:+15550100", "_blank", "noopener noreferrer"],
        [
            "brightwave.example/help/shipping",
            "https://www.brightwave.example/help/shipping",
            "_blank",
            "noopener noreferrer",
        ],
    ]
    assert out["text"].endswith("brightwave.example/help/shipping.")  # the full stop is text


@pytest.mark.parametrize(
    "written",
    [
        "[click me](javascript:alert(1))",
        "[click me](JavaScript:alert(1))",
        "[elsewhere](//evil.example/login)",
        "[elsewhere](/\\evil.example/login)",
        "[data](data:text/html,<script>alert(1)</script>)",
        "[spaced](/help /x)",
    ],
)
def test_any_other_link_stays_text_exactly_as_written(render, written):
    out = render(f"Not a link: {written} here")
    assert out["links"] == []
    assert out["text"] == f"Not a link: {written} here"


def test_markup_in_the_text_stays_text(render):
    out = render('<img src=x onerror="alert(1)"> **<b>bold</b>** `<script>alert(2)</script>`')
    assert out["text"] == '<img src=x onerror="alert(1)"> <b>bold</b> <script>alert(2)</script>'
    [paragraph] = out["nodes"]
    tags = [node[0] for node in paragraph[1]]
    assert tags == ["#text", "strong", "#text", "span"]
    assert paragraph[1][3][2] == {"class": "kefu-quoted"}
    strong, quoted = paragraph[1][1], paragraph[1][3]
    assert strong[1] == [["#text", "<b>bold</b>", {}]]
    assert quoted[1] == [["#text", "<script>alert(2)</script>", {}]]


def test_lists_paragraphs_and_bold_are_built_as_elements(render):
    out = render("Here:\n- one\n- **two**\n  and more\n\n- three\n\n5) five\n6) six\nDone.\nBye.")
    tags = [node[0] for node in out["nodes"]]
    assert tags == ["p", "ul", "ol", "p"]
    bullets, numbered = out["nodes"][1], out["nodes"][2]
    assert [item[0] for item in bullets[1]] == ["li", "li", "li"]
    assert [node[0] for node in bullets[1][1][1]] == ["strong", "br", "#text"]
    assert numbered[2] == {"start": "5"}
    assert [node[0] for node in out["nodes"][3][1]] == ["#text", "br", "#text"]


def test_a_long_address_shows_its_first_and_last_parts(render):
    short = render.page.evaluate(
        "KefuMarkdown.shortUrl('https://www.brightwave.example/returns/labels/"
        "print-this-label-for-order-BW-104101-right-away?order=BW-104101')"
    )
    assert short == "brightwave.example/returns/…/print-this-label-for-or…"
    assert render(None)["nodes"] == []
