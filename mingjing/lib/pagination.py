"""Pages of a list that grows: `paginate(request, items)` gives the page of `?page=` (two queries on a
queryset: the count and the page's rows, whatever the list's size) with the request's other
parameters kept, so the links to the other pages keep the search and the filters.

In the template: `{% include "includes/pagination.html" %}` (it reads `page`; pass `with page=…`
for another name). `search_q(text, fields)` builds the OR of `icontains` over `fields` for a
search box.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpRequest

PAGE_SIZE = 50


class ListPage(Page):
    """A Django page with `query`: the request's parameters other than the page (url-encoded)."""

    query: str = ""

    @property
    def total(self) -> int:
        return self.paginator.count

    @property
    def page_links(self) -> list[int | None]:
        """The page numbers to link: the first, the last and two on each side of this one; None
        where numbers are left out."""
        last = self.paginator.num_pages
        shown = sorted({1, last, *range(max(1, self.number - 2), min(last, self.number + 2) + 1)})
        links: list[int | None] = []
        for n in shown:
            if links and n - (links[-1] or 0) > 1:
                links.append(None)
            links.append(n)
        return links


class _Paginator(Paginator):
    def _get_page(self, *args: Any, **kwargs: Any) -> ListPage:
        return ListPage(*args, **kwargs)


def paginate(request: HttpRequest, items: Any, *, per_page: int = PAGE_SIZE, param: str = "page") -> ListPage:
    """The page `?page=` asks for (the last one when it is past the end, the first when it is not a
    number); `items` a queryset (ordered) or a list."""
    page = _Paginator(items, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    page.query = query.urlencode()
    return page


def search_q(text: str, fields: Sequence[str]) -> Q:
    """Rows where any of `fields` contains every word of `text` (an empty text matches all)."""
    q = Q()
    for word in text.split():
        any_field = Q()
        for f in fields:
            any_field |= Q(**{f"{f}__icontains": word})
        q &= any_field
    return q
