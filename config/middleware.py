"""Refuse requests carrying characters the database cannot store, before any view or query runs.

PostgreSQL text cannot hold the NUL character (U+0000): a query with one fails with a
`DataError`, which would be a 500. SQLite accepts it, so without this check the two databases
answer differently. Every other character is valid text and is left to the forms and the URL
patterns. The check covers the path, the query string, form fields, cookies (the session key is
looked up in the database) and headers. Pages get a Norwegian 400 page, the API a JSON 400.
"""

from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

FORBIDDEN = "\x00"


def _has_forbidden(values) -> bool:
    return any(FORBIDDEN in value for value in values)


def _query_dict_values(query_dict):
    for key, values in query_dict.lists():
        yield key
        for value in values:
            if isinstance(value, str):
                yield value


def has_forbidden_characters(request) -> bool:
    if FORBIDDEN in request.path or FORBIDDEN in request.path_info:
        return True
    if _has_forbidden(_query_dict_values(request.GET)):
        return True
    if _has_forbidden(k for item in request.COOKIES.items() for k in item):
        return True
    headers = (v for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str))
    if _has_forbidden(headers):
        return True
    return request.method == "POST" and _has_forbidden(_query_dict_values(request.POST))


class RejectForbiddenCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not has_forbidden_characters(request):
            return self.get_response(request)
        message = _("Ugyldige tegn i forespørselen.")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        # Rendered without the request: nothing here may load the session or the user.
        return HttpResponseBadRequest(render_to_string("400.html", {"invalid_characters": True}))
