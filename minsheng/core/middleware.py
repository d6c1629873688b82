from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language, get_language_from_request

MACHINE_PREFIXES = ("/api/", "/open311/")


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are in Chinese unless the person chose another language (the language cookie).

    A browser's Accept-Language is not a choice a resident made — a borrowed or
    English-configured phone must still show the county's pages in Chinese — so pages
    ignore it. Machine clients (the JSON API, Open311) do ask for a language that way,
    and get it.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen and check_for_language(chosen):
            language = translation.get_supported_language_variant(chosen)
        elif request.path.startswith(MACHINE_PREFIXES):
            language = get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
