import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from lifevalley.models import KeyFigure

pytestmark = pytest.mark.django_db


def test_home_shows_published_figures_with_date_and_source(client, make_key_figure):
    make_key_figure(
        qualifier=KeyFigure.Qualifier.EXACT,
        value=Decimal("10749"),
        label="intellectual-property patents",
        as_of=datetime.date(2023, 12, 31),
        source="ZGC fact sheet",
    )
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>10,749</strong>" in html
    assert "intellectual-property patents" in html
    assert "Figures as of December 2023 unless marked" in html
    assert "ZGC fact sheet" in html


def test_figures_say_their_shared_date_and_source_once(client, make_key_figure):
    for number in range(11):
        make_key_figure(label=f"figure {number}", as_of=datetime.date(2023, 12, 31),
                        source="ZGC fact sheet")
    make_key_figure(label="revenue in 2022", as_of=datetime.date(2022, 12, 31),
                    source="ZGC fact sheet")
    html = client.get(reverse("home")).content.decode()
    assert html.count("ZGC fact sheet") == 1
    assert html.count("As of December 2022") == 1  # only the figure that differs
    assert "Figures as of December 2023 unless marked" in html


def test_a_key_figure_shows_its_value_as_each_language_writes_it(client, make_key_figure):
    make_key_figure(qualifier=KeyFigure.Qualifier.CLOSE_TO, value=Decimal("80"),
                    unit="billion RMB", label="revenue in 2022", label_zh_hans="2022年营业收入",
                    value_text_zh_hans="近800亿元")
    english = client.get(reverse("home")).content.decode()
    assert "close to</span> <strong>80</strong> <span class=\"figure-unit\">billion RMB" in english
    chinese = client.get("/zh-hans/").content.decode()
    assert "<strong>近800亿元</strong>" in chinese
    assert "billion" not in chinese.split('id="figures"')[1].split("</section>")[0]


def test_home_shows_qualifier_and_decimal_values(client, make_key_figure):
    make_key_figure(value=Decimal("2.50"), unit="km²", label="current area")
    html = client.get(reverse("home")).content.decode()
    assert "more than</span> <strong>2.5</strong>" in html


def test_home_hides_draft_and_scheduled_figures(client, make_key_figure):
    make_key_figure(label="published figure")
    make_key_figure(label="draft figure", is_published=False)
    make_key_figure(
        label="embargoed figure", publish_from=timezone.now() + datetime.timedelta(days=1)
    )
    response = client.get(reverse("home"))
    assert [figure.label for figure in response.context["figures"]] == ["published figure"]
    assert "draft figure" not in response.content.decode()
    assert "embargoed figure" not in response.content.decode()


def test_home_footer_shows_editable_contact_details(client, park_profile):
    park_profile.phone = "+86-010-00000000"
    park_profile.save()
    html = client.get(reverse("home")).content.decode()
    assert "Administrative Commission of Beijing Future Science City" in html
    assert "+86-010-00000000" in html
    assert 'href="mailto:shengmygwh@bjchp.gov.cn"' in html


def test_home_lists_published_zones_only(client, make_zone):
    make_zone(name="Frontier Technology Zone")
    make_zone(name="Secret Zone", is_published=False)
    response = client.get(reverse("home"))
    assert [zone.name for zone in response.context["zones"]] == ["Frontier Technology Zone"]


def test_home_shows_featured_organisations(client, make_organisation):
    make_organisation(name="BeiGene", is_featured=True)
    make_organisation(name="Not Featured")
    make_organisation(name="Draft Featured", is_featured=True, is_published=False)
    response = client.get(reverse("home"))
    assert [o.name for o in response.context["featured_organisations"]] == ["BeiGene"]


def test_home_query_count_is_fixed(client, django_assert_num_queries, make_zone,
                                   make_key_figure, make_sector, make_organisation, park_profile):
    def grow(count):
        for _ in range(count):
            make_key_figure()
            make_zone(focus_areas=[make_sector()])
            make_organisation(is_featured=True, sectors=[make_sector()])

    grow(1)
    client.get(reverse("home"))  # warm the park profile cache
    with django_assert_num_queries(5):
        assert client.get(reverse("home")).status_code == 200
    grow(3)
    with django_assert_num_queries(5):
        assert client.get(reverse("home")).status_code == 200


def test_key_figure_value_cannot_be_negative(make_key_figure):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    figure = make_key_figure()
    figure.value = Decimal("-1")
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert list(error.value.message_dict) == ["value"]
    with pytest.raises(IntegrityError), transaction.atomic():
        figure.save()
