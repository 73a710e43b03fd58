from django import template

from municipalities.models import localized as _localized

register = template.Library()


@register.filter
def localized(texts, language=None):
    """{{ item.text|localized:language }}: the text in the respondent's language."""
    return _localized(texts, language)
