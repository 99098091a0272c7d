"""Rich text of notices: only harmless formatting survives (no scripts, no event handlers, no styles).
The console's editor offers exactly these tags (admin/src/richText.js); links may call a phone (tel:)."""

import nh3

from backend.core.errors import DomainError, ErrorCode
from backend.media.service import public_url

MAX_HTML = 50_000
TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a", "img",
        "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}
URL_SCHEMES = {"http", "https", "tel"}


def _absolute_images(tag: str, attribute: str, value: str) -> str:
    """An image of ours kept as an absolute URL: the mini-program has no base to resolve a path against."""
    if tag == "img" and attribute == "src" and value.startswith("/media/public/"):
        return public_url(value)
    return value


def sanitize(html: str) -> str:
    if len(html) > MAX_HTML:
        raise DomainError(ErrorCode.INVALID_INPUT, "正文过长", field="bodyHtml")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                      attribute_filter=_absolute_images, link_rel="noopener noreferrer nofollow")
    if not nh3.clean(clean, tags=set()).strip() and "<img" not in clean:
        raise DomainError(ErrorCode.INVALID_INPUT, "正文不能为空", field="bodyHtml")
    return clean
