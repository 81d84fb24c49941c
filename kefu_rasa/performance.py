"""Rasa 3.6 validates every action-server response with `jsonschema.validate`,
which re-checks the schema itself on every call. Profiled under load (py-spy on the
Rasa server, 50 concurrent conversations) that was two thirds of the server's CPU.
This validates with one validator built once, against the same schema, with the
same errors; Kefu's channels install it when the server starts.
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.core.actions.action import RemoteAction

_installed = False


def install_cached_action_validation() -> None:
    global _installed
    if _installed:
        return
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    original = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError:
            return original(self, result)  # Rasa's own error message

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    _installed = True
