from fastapi.testclient import TestClient

from webapp.app import create_app


def test_the_chinese_help_center_serves_the_chinese_articles_with_the_same_anchors(settings):
    client = TestClient(create_app(settings))
    index = client.get("/zh/help")
    assert index.status_code == 200 and 'href="/zh/help/shipping"' in index.text
    assert "Brightwave 帮助中心" in index.text
    article = client.get("/zh/help/contact")
    assert article.status_code == 200
    assert 'id="support-hours"' in article.text and 'href="/zh/help"' in article.text
    assert "support@brightwave.example" in article.text and "{{" not in article.text
    assert "questions:" not in article.text


def test_the_chinese_articles_state_the_opening_hours_in_chinese(settings):
    article = TestClient(create_app(settings)).get("/zh/help/contact").text
    assert "周一至周五 8:00–20:00" in article and "美东时间" in article
    assert "Monday" not in article


def test_a_help_center_in_a_language_without_articles_is_not_found(settings):
    client = TestClient(create_app(settings))
    assert client.get("/fr/help").status_code == 404
    assert client.get("/zh/help/nope").status_code == 404
    assert client.get("/..%2F/help").status_code == 404
