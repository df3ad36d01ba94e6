"""{% load form_address %}{% loopback_warning form_url as warning %}: the warning of
`mingjing.opinions.address.loopback_warning` (a QR code no phone can reach)."""

from __future__ import annotations

from django import template

from mingjing.opinions.address import loopback_warning as _warning

register = template.Library()


@register.simple_tag
def loopback_warning(url: str | None) -> str:
    return _warning(url)
