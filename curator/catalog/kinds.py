"""What kind of resource a link is, guessed from its address, a phone number and its words."""

from __future__ import annotations

import re

import httpx

from curator.catalog.chrome import host_in
from curator.domain import ResourceKind

VIDEO_HOSTS = (
    "youtube.com",
    "youtu.be",
    "youtube-nocookie.com",
    "vimeo.com",
    "dailymotion.com",
    "dai.ly",
    "wistia.com",
    "ted.com",
    "tiktok.com",
)
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".rtf", ".ppt", ".pptx", ".xls", ".xlsx")
KIND_CUES: tuple[tuple[ResourceKind, re.Pattern[str]], ...] = (
    (ResourceKind.VIDEO, re.compile(r"\b(?:video|film|webinar|animation)\b", re.IGNORECASE)),
    (
        ResourceKind.DOCUMENT,
        re.compile(
            r"\b(?:guidelines|guidance|leaflet|factsheet|fact sheet|booklet|handbook|toolkit|"
            r"pdf)\b",
            re.IGNORECASE,
        ),
    ),
)
"""Words in a link's text, then in its sentence, that say what it links to."""


def guess_kind(url: str, *, link_text: str = "", sentence: str = "", phone: bool = False) -> str:
    """The kind of resource a link is (a ResourceKind value).

    A video host or a document's extension decides first, then a phone number next to the
    link, then words of its text and of its sentence ("video", "guidelines"); else a webpage.
    """
    parsed = httpx.URL(url)
    if host_in(parsed.host, VIDEO_HOSTS):
        return ResourceKind.VIDEO.value
    if parsed.path.lower().endswith(DOCUMENT_EXTENSIONS):
        return ResourceKind.DOCUMENT.value
    if phone:
        return ResourceKind.HELPLINE.value
    for text in (link_text, sentence):
        for kind, cue in KIND_CUES:
            if cue.search(text):
                return kind.value
    return ResourceKind.WEBPAGE.value
