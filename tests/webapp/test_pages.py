from fastapi.testclient import TestClient

from webapp.app import create_app


def test_the_shop_page_carries_the_widget_with_the_rasa_address(settings):
    client = TestClient(
        create_app(settings.with_changes(public_rasa_url="http://chat.example:5005"))
    )
    page = client.get("/")
    assert page.status_code == 200
    assert 'src="/static/widget/kefu-widget.js" data-server="http://chat.example:5005"' in page.text
    assert "Demo: sign in" not in page.text  # demo switch is off outside demo mode
    assert client.get("/static/widget/vendor/socket.io.min.js").status_code == 200


def test_the_widgets_message_renderer_is_served_beside_it_and_cached_like_it(settings):
    """kefu-widget.js loads kefu-markdown.js from its own base address (so does the
    console): it must be there, as a script, and cached exactly like the widget
    (validators, the same Cache-Control), so a new release reaches both together."""
    client = TestClient(create_app(settings))
    widget = client.get("/static/widget/kefu-widget.js")
    renderer = client.get("/static/widget/kefu-markdown.js")
    assert renderer.status_code == 200
    assert renderer.headers["content-type"].startswith("text/javascript")
    assert renderer.headers["etag"] and renderer.headers["last-modified"]
    assert renderer.headers.get("cache-control") == widget.headers.get("cache-control")
    assert "window.KefuMarkdown = " in renderer.text


def test_demo_endpoints_exist_only_in_demo_mode(settings):
    normal = TestClient(create_app(settings))
    assert normal.post("/api/demo/token", json={"customer_id": "C1001"}).status_code == 404
    assert normal.get("/api/demo/customers").status_code == 404
    demo = TestClient(create_app(settings.with_changes(demo_mode=True)))
    assert "Demo: sign in" in demo.get("/").text
    assert (
        demo.post("/api/demo/token", json={"customer_id": "C1001"}).json()["name"]
        == "Maya Thompson"
    )
    assert demo.post("/api/demo/token", json={"customer_id": "C0000"}).status_code == 404
    assert demo.post("/api/demo/token", json={}).status_code == 422


def test_help_center_renders_articles_with_company_facts_and_anchors(settings):
    client = TestClient(create_app(settings))
    index = client.get("/help")
    assert index.status_code == 200 and "/help/shipping" in index.text
    article = client.get("/help/contact")
    assert 'id="support-hours"' in article.text
    assert "support@brightwave.example" in article.text and "{{" not in article.text
    assert "questions:" not in article.text  # the topic metadata stays hidden
    assert client.get("/help/nope").status_code == 404


def test_the_api_is_described_by_an_openapi_document(settings):
    spec = TestClient(create_app(settings)).get("/openapi.json").json()
    assert "/api/widget/history/{session_id}" in spec["paths"]
