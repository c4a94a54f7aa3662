"""One behaviour for every public list: the directory, the events lists and the search.

- A filter value the list does not understand is a 400: the list's own page, its filter's
  errors listed (``templates/includes/_list_errors.html``) and no results.
- A page that does not exist (``?page=abc``, ``?page=0``, past the last page) is a 404: the
  list's own page with a message naming the page asked for and how many there are.
  ``?page=last`` is the last page, as in Django's ``ListView``.

Neither falls back silently to page 1 or to an unfiltered list. A view calls ``check_filter``
and ``paginate`` while it builds its context; either stops the view with the page above,
rendered from the context built so far.
"""

from django.core.paginator import InvalidPage, Paginator
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _


class ListPageError(Exception):
    """A list request that cannot be answered with results: render ``context`` at ``status``."""

    def __init__(self, context, status):
        super().__init__(status)
        self.context = context
        self.status = status


def page_error_message(number, page_count):
    return _(
        "There is no page “%(page)s” in these results: they have %(count)s page(s)."
    ) % {"page": str(number)[:20], "count": page_count}


class CountedPaginator(Paginator):
    """A Paginator told how many rows there are, by a query the page runs anyway."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count


class ListingMixin:
    """For a View rendering ``template_name``: ``check_filter`` and ``paginate`` as above."""

    paginate_by = 20
    page_kwarg = "page"
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ListPageError as error:
            return render(request, self.template_name, error.context, status=error.status)

    def check_filter(self, filterset, context):
        """Stop with the 400 page unless ``filterset`` (a FilterSet or a form) is valid."""
        if not filterset.is_valid():
            raise ListPageError(context, 400)

    def paginate(self, queryset, context, count=None):
        """The page ``?page=`` asks for; adds ``paginator``, ``page_obj`` and ``page_range``.

        ``count``, when the view has counted the rows already, spares the paginator's COUNT.
        A page that does not exist stops with the 404 page, ``page_error`` saying why.
        """
        if count is None:
            paginator = Paginator(queryset, self.paginate_by)
        else:
            paginator = CountedPaginator(queryset, self.paginate_by, count=count)
        context["paginator"] = paginator
        number = self.request.GET.get(self.page_kwarg) or 1
        try:
            page = paginator.page(paginator.num_pages if number == "last" else number)
        except InvalidPage:
            context["page_error"] = page_error_message(number, paginator.num_pages)
            raise ListPageError(context, 404) from None
        context.update(page_obj=page, page_range=paginator.get_elided_page_range(page.number))
        return page
