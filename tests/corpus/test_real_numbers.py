"""The phone numbers real pages print are found where they print them: a catalogued helpline
number on a working page is never called gone (a false "number gone" takes a working
helpline off a guide's list)."""

from __future__ import annotations

import html
import re

import phonenumbers

from curator.check.expect import PHONE_REGION, missing_phone
from curator.check.text import decode, extract_page
from curator.domain import Verdict
from tests.corpus.manifests import CORPUS, load

_CODE = re.compile(r"(?is)<(script|style|template|noscript)\b.*?</\1>")
_TAG = re.compile(r"<[^>]+>")


def test_every_number_a_working_page_prints_is_found_on_it() -> None:
    """Numbers read from each working corpus page's markup by the plainest means (tags
    dropped, escapes undone: not curator's reading), then looked for as a catalog would list
    them. Measured before the page's last footers were read apart from its menus: 5 of 41
    numbers called gone (a ministry's press line after a list of every country, a newsroom's
    and a comparison site's footer after a header on every teaser)."""
    corpus = load(CORPUS)
    asked: list[tuple[str, str]] = []
    gone: list[tuple[str, str]] = []
    for entry in corpus.entries:
        if entry.expect is not Verdict.OK:
            continue
        data = corpus.page(entry.file)
        content_type = dict(entry.served_headers()).get("content-type", "text/html")
        text = html.unescape(_TAG.sub(" ", _CODE.sub(" ", decode(data, content_type))))
        numbers = list(
            dict.fromkeys(m.raw_string for m in phonenumbers.PhoneNumberMatcher(text, PHONE_REGION))
        )
        if not numbers:
            continue
        page = extract_page(
            data,
            content_type=content_type,
            base_url=entry.url,
            bytes_read=len(data),
            truncated=False,
        )
        for number in numbers[:10]:
            asked.append((entry.id, number))
            if missing_phone(page, number) is not None:
                gone.append((entry.id, number))
    assert len(asked) >= 40
    assert gone == []
