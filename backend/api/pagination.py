"""Connection plumbing shared by every list."""

import strawberry

from backend.core.limits import TOTAL_COUNT_CAP
from backend.core.pagination import Page


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None

    @classmethod
    def of(cls, page: Page) -> "PageInfo":
        return cls(has_next_page=page.has_next_page, end_cursor=page.end_cursor)


@strawberry.type
class Counted:
    """A connection with a total, for the lists staff page through (the count runs only when asked)."""

    page: strawberry.Private[Page]

    @strawberry.field(description=f"How many in all pages, counted up to {TOTAL_COUNT_CAP:,}: "
                      f"{TOTAL_COUNT_CAP} means at least that many.")
    async def total_count(self) -> int:
        return await self.page.count()
