"""`./kefu train` and `./kefu start` train only when an input of the model changed."""

import shutil

from helpdesk.config import PROJECT_ROOT
from ops import training


def test_a_changed_order_number_format_asks_for_a_new_model(tmp_path, monkeypatch):
    # The order_id entity pattern is built from company.yml when the model is trained.
    (tmp_path / "knowledge_base").mkdir()
    company = tmp_path / "knowledge_base" / "company.yml"
    shutil.copy(PROJECT_ROOT / "knowledge_base" / "company.yml", company)
    monkeypatch.setattr(training, "ROOT", tmp_path)
    before = training.training_fingerprint()
    company.write_text(company.read_text().replace("digits: 6", "digits: 8"))
    assert training.training_fingerprint() != before
