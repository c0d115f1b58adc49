"""Form fields every web form shares."""

from typing import Any

from django import forms

from .text import MAX_TEXT, clean_text


class TextField(forms.CharField):
    """Text as every way in stores it (``lib.text.clean_text``): composed Unicode (NFC), one
    kind of line break, no surrounding blanks; at most ``MAX_TEXT`` characters unless the
    model says less."""

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("max_length") is None:
            kwargs["max_length"] = MAX_TEXT
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return clean_text(value) if isinstance(value, str) and value else value
