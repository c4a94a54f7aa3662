"""Every public list answers a bad filter and a missing page alike (lifevalley/listing.py)."""

import datetime
import re
from html import unescape

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

FILTER_ERRORS = "Some filters could not be understood, so no results are shown."


@pytest.fixture
def one_of_each(make_organisation, make_event):
    """One public row in each list: an organisation, an upcoming and a past forum."""
    make_organisation(name="Forum Biotech", slug="forum-biotech")
    make_event(title="Upcoming Forum", slug="upcoming-forum")
    past = timezone.now() - datetime.timedelta(days=3)
    make_event(title="Past Forum", slug="past-forum", starts_at=past,
               ends_at=past + datetime.timedelta(hours=2))


def page_text(response):
    """The page's visible text, tags and entities resolved, white space folded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# Each list: its URL and one result it shows, then a bad filter and the error the page names.
LISTS = [
    ("/directory/?", "Forum Biotech", "kind=spaceship",
     "Kind: Select a valid choice. spaceship is not one of the available choices."),
    ("/events/?", "Upcoming Forum", "zone=atlantis", "Zone: There is no zone with this slug."),
    ("/events/past/?", "Past Forum", "category=nope",
     "Category: There is no category with this slug."),
    ("/search/?q=forum&", "Forum Biotech", "kind=bogus", "Kind: There is no such kind of result."),
]


@pytest.mark.parametrize(("url", "shown", "bad_filter", "error"), LISTS)
def test_a_bad_filter_is_a_400_page_naming_the_error(client, one_of_each, url, shown,
                                                      bad_filter, error):
    assert shown in page_text(client.get(url))
    response = client.get(url + bad_filter)
    assert response.status_code == 400
    text = page_text(response)
    assert f"{FILTER_ERRORS} Please correct them: {error}" in text
    assert shown not in text


PAGED_LISTS = [
    ("/directory/?", "Forum Biotech"),
    ("/events/?", "Upcoming Forum"),
    ("/events/past/?", "Past Forum"),
    ("/search/?q=forum&kind=organisations&", "Forum Biotech"),
]


@pytest.mark.parametrize(("url", "shown"), PAGED_LISTS)
@pytest.mark.parametrize("page", ["9999", "abc", "0"])
def test_a_missing_page_is_a_404_page_naming_it_and_the_page_count(client, one_of_each, url,
                                                                   shown, page):
    assert shown in page_text(client.get(url + "page=1"))
    response = client.get(url + f"page={page}")
    assert response.status_code == 404
    text = page_text(response)
    assert f"There is no page “{page}” in these results: they have 1 page(s)." in text
    assert "Go to the first page" in text
    assert shown not in text
    assert '<meta name="robots" content="noindex' in response.content.decode()


@pytest.mark.parametrize(("url", "shown"), PAGED_LISTS)
def test_page_last_is_the_last_page(client, one_of_each, url, shown):
    response = client.get(url + "page=last")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert shown in page_text(response)


def test_the_404_counts_the_pages_of_the_filtered_list(client, make_event, make_event_category):
    forum = make_event_category(slug="forum", name="Forum")
    for _ in range(41):
        make_event(category=forum)
    make_event()  # in another category: not counted
    response = client.get("/events/?category=forum&page=4")
    assert response.status_code == 404
    assert "There is no page “4” in these results: they have 3 page(s)." in page_text(response)
    assert client.get("/events/?category=forum&page=3").status_code == 200


def test_the_list_errors_speak_chinese_on_chinese_pages(client, one_of_each):
    missing = client.get("/zh-hans/events/?page=9999")
    assert missing.status_code == 404
    assert "结果中没有第“9999”页：共1页。 前往第一页" in page_text(missing)
    bad = client.get("/zh-hans/events/?zone=atlantis")
    assert bad.status_code == 400
    text = page_text(bad)
    assert "部分筛选条件无法识别，因此未显示任何结果。请更正：" in text
    assert "Some filters" not in text


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/directory/?kind=spaceship", 0),
        ("/directory/?page=9999", 4),
        ("/events/?zone=atlantis", 4),
        ("/events/?page=9999", 4),
        ("/search/?q=forum&kind=bogus", 0),
        ("/search/?q=forum&kind=events&page=9999", 1),
    ],
)
def test_the_error_pages_run_few_queries_whatever_the_data(client, django_assert_num_queries,
                                                            make_organisation, make_event,
                                                            url, queries):
    for count in (1, 3):
        for _ in range(count):
            make_event(title="Upcoming Forum", organisers=[make_organisation()])
        client.get("/")  # warm the park profile cache
        with django_assert_num_queries(queries):
            client.get(url)
