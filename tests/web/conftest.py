"""Helpers of the web tests."""

import html
import re


def confirmation_of(response) -> dict:
    """The fields the confirmation page posts when "Xác nhận" is pressed (submit, return,
    accept ask first): its form's hidden inputs, ``confirm=1`` among them."""
    page = response.content.decode()
    form = re.search(r'<form method="post" class="confirm-actions">(.*?)</form>', page, re.S)
    assert form, "no confirmation form on the page"
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1))
    return {name: html.unescape(value) for name, value in fields}
