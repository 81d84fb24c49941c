"""The intent classifier keeps one model per language (kefu_rasa/intent_classifier.py)."""

from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from kefu_rasa.intent_classifier import KefuIntentClassifier

ENGLISH = {
    "greet": ["hello there", "hi", "good morning", "hey you"],
    "check_order_status": ["where is my order", "has my parcel shipped", "track my package"],
}
CHINESE = {
    "greet": ["你好", "您好呀", "在吗"],
    "check_order_status": ["我的订单到哪了", "快递发了没", "包裹什么时候到"],
}


def _data(*sets):
    return TrainingData(
        [
            Message.build(text=text, intent=intent)
            for examples in sets
            for intent, texts in examples.items()
            for text in texts
        ]
    )


def _trained(tmp_path, name, data):
    (tmp_path / name).mkdir()
    storage = LocalModelStorage(tmp_path / name)
    resource = Resource(name)
    config = {**KefuIntentClassifier.get_default_config(), "c": 10.0, "dense_weight": 1.0}
    context = ExecutionContext(graph_schema=None, model_id="m")  # type: ignore[arg-type]
    classifier = KefuIntentClassifier.create(config, storage, resource, context)
    classifier.train(data)
    return classifier, (config, storage, resource, context)


def _intent(classifier, text):
    message = Message.build(text=text)
    classifier.process([message])
    return message.get("intent")


def test_a_chinese_message_is_classified_by_the_chinese_model(tmp_path):
    classifier, _ = _trained(tmp_path, "both", _data(ENGLISH, CHINESE))
    assert set(classifier.classifiers) == {"en", "zh"}
    assert _intent(classifier, "订单BW104233到哪了")["name"] == "check_order_status"
    assert _intent(classifier, "where's my order")["name"] == "check_order_status"


def test_adding_chinese_examples_does_not_move_an_english_prediction(tmp_path):
    english_only, _ = _trained(tmp_path, "en", _data(ENGLISH))
    both, _ = _trained(tmp_path, "both", _data(ENGLISH, CHINESE))
    for text in ("hello", "where did my parcel go", "qqqq zzzz"):
        assert _intent(english_only, text) == _intent(both, text)


def test_both_models_are_persisted_and_loaded(tmp_path):
    classifier, (config, storage, resource, context) = _trained(
        tmp_path, "both", _data(ENGLISH, CHINESE)
    )
    loaded = KefuIntentClassifier.load(config, storage, resource, context)
    assert set(loaded.classifiers) == {"en", "zh"}
    assert _intent(loaded, "你好")["name"] == "greet"


def test_rasa_retrains_the_classifier_when_the_code_that_builds_its_features_changes(
    monkeypatch,
):
    import kefu_rasa.intent_classifier as component

    before = component.KefuIntentClassifier.fingerprint_addon({})
    assert before == component.KefuIntentClassifier.fingerprint_addon({})
    assert "helpdesk.text_classifier" in component._MODEL_CODE
    monkeypatch.setattr(
        component,
        "_MODEL_CODE",
        tuple(m for m in component._MODEL_CODE if m != "helpdesk.chinese_text"),
    )
    assert component.KefuIntentClassifier.fingerprint_addon({}) != before
