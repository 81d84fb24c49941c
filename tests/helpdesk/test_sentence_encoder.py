"""The dense sentence encoder: it must place two phrasings of one question closer
than two different questions, in English and in Chinese, and see identifiers as
the words a customer would use for them."""

import numpy as np

from helpdesk import sentence_encoder


def cosine(a: str, b: str) -> float:
    first, second = sentence_encoder.encode([a, b])
    return float(np.dot(first, second))


def test_two_phrasings_of_one_question_are_closer_than_two_questions():
    same = cosine("what number do I ring to reach you", "what is your phone number")
    different = cosine("what number do I ring to reach you", "how do I return an item")
    assert same > different + 0.15


def test_chinese_questions_are_embedded_by_meaning_too():
    same = cosine("我的订单到哪了", "where is my order")
    different = cosine("我的订单到哪了", "what is your phone number")
    assert same > different


def test_identifiers_become_the_words_customers_use_for_them():
    assert sentence_encoder.prepare("has BW-104233 arrived? maya@example.com") == (
        "has my order number arrived? my email address"
    )


def test_vectors_are_unit_length_and_empty_input_is_fine():
    vectors = sentence_encoder.encode(["hello", "", "  "])
    assert vectors.shape == (3, sentence_encoder.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert sentence_encoder.encode([]).shape == (0, sentence_encoder.DIMENSIONS)


def test_a_classifier_fitted_with_embeddings_still_classifies_a_message_without_one():
    from helpdesk.text_classifier import TextClassifier

    texts = ["hello there", "hi", "where is my order", "has my parcel shipped"]
    classifier = TextClassifier().fit(
        texts, ["greet", "greet", "order", "order"], dense=sentence_encoder.encode(texts)
    )
    assert classifier.dense_width == sentence_encoder.DIMENSIONS
    [ranking] = classifier.rank([""])  # an empty message has no embedding
    assert {label for label, _ in ranking} == {"greet", "order"}
