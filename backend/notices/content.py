"""Rich text of notices: only harmless formatting survives (no scripts, no event handlers, no styles)."""

import nh3

from backend.core.errors import DomainError, ErrorCode

MAX_HTML = 50_000
TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a", "img",
        "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}


def sanitize(html: str) -> str:
    if len(html) > MAX_HTML:
        raise DomainError(ErrorCode.INVALID_INPUT, "正文过长", field="bodyHtml")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https"},
                      link_rel="noopener noreferrer nofollow")
    if not nh3.clean(clean, tags=set()).strip() and "<img" not in clean:
        raise DomainError(ErrorCode.INVALID_INPUT, "正文不能为空", field="bodyHtml")
    return clean
