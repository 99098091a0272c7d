"""Connection plumbing shared by every list."""

import strawberry

from backend.core.pagination import Page


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None

    @classmethod
    def of(cls, page: Page) -> "PageInfo":
        return cls(has_next_page=page.has_next_page, end_cursor=page.end_cursor)
