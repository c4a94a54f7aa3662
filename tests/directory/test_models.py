import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.models import Organisation
from directory.services import generate_organisations

pytestmark = pytest.mark.django_db


def test_organisation_name_is_unique_ignoring_case(make_organisation):
    make_organisation(name="BeiGene")
    duplicate = Organisation(name="BEIGENE", slug="beigene-2", kind="enterprise")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert set(error.value.messages) == {"An organisation with this name already exists."}
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_organisation_is_listed_follows_the_ticker(make_organisation):
    listed = make_organisation(stock_exchange="HKEX", stock_ticker="06160")
    unlisted = make_organisation()
    assert set(Organisation.objects.filter(is_listed=True)) == {listed}
    assert set(Organisation.objects.filter(is_listed=False)) == {unlisted}
    assert listed.listing == "HKEX:06160"
    assert unlisted.listing == ""


def test_organisation_ticker_needs_an_exchange(make_organisation):
    organisation = Organisation(name="Ticker Only", slug="ticker-only", kind="enterprise",
                                stock_ticker="688001")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert error.value.messages == ["Give the stock exchange of the ticker."]


def test_organisation_hospital_beds_only_for_hospitals():
    clinic = Organisation(name="Lab", slug="lab", kind="research", hospital_beds=20)
    with pytest.raises(ValidationError) as error:
        clinic.full_clean()
    assert error.value.message_dict == {
        "hospital_beds": ["Only hospitals have hospital beds; leave this empty."]
    }
    Organisation(name="GoBroad", slug="gobroad", kind="hospital", hospital_beds=20).full_clean()


def test_organisation_founded_year_cannot_be_in_the_future():
    organisation = Organisation(name="Future", slug="future", kind="enterprise",
                                founded_year=3000)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert list(error.value.message_dict) == ["founded_year"]


def test_search_matches_name_summary_description_and_sector_names(make_organisation,
                                                                  make_sector):
    neuro = make_sector(name="Neuroscience")
    by_name = make_organisation(name="Chinese Institute for Brain Research")
    by_summary = make_organisation(summary="Maps the brain's circuits")
    by_description = make_organisation(description="Brain-computer interfaces for patients")
    by_sector = make_organisation(name="Changping Laboratory", sectors=[neuro])
    make_organisation(name="BeiGene", summary="Anti-cancer drugs")
    assert set(Organisation.objects.search("BRAIN")) == {by_name, by_summary, by_description}
    assert set(Organisation.objects.search("neuroscience")) == {by_sector}


def test_search_needs_every_word_and_gives_no_duplicates(make_organisation, make_sector):
    sectors = [make_sector(name="Protein science"), make_sector(name="Protein engineering")]
    both = make_organisation(name="National Center for Protein Sciences", sectors=sectors)
    make_organisation(name="Protein Foods")
    assert list(Organisation.objects.search("protein national")) == [both]
    assert Organisation.objects.search("protein").count() == 2


def test_in_sectors_means_any_of_them_without_duplicates(make_organisation, make_sector):
    oncology, vaccines, devices = make_sector(), make_sector(), make_sector()
    both = make_organisation(name="A", sectors=[oncology, vaccines])
    one = make_organisation(name="B", sectors=[vaccines])
    make_organisation(name="C", sectors=[devices])
    assert list(Organisation.objects.in_sectors([oncology, vaccines])) == [both, one]


def test_related_to_puts_most_shared_sectors_first(make_organisation, make_sector):
    a, b, c = make_sector(), make_sector(), make_sector()
    subject = make_organisation(name="Subject", sectors=[a, b])
    one = make_organisation(name="Aardvark One Shared", sectors=[a, c])
    two = make_organisation(name="Zebra Two Shared", sectors=[a, b])
    make_organisation(name="Unrelated", sectors=[c])
    subject = Organisation.objects.prefetch_related("sectors").get(pk=subject.pk)
    related = list(Organisation.objects.related_to(subject))
    assert related == [two, one]
    assert [o.shared_sectors for o in related] == [2, 1]


def test_generate_organisations_makes_published_varied_rows(make_zone):
    make_zone()
    assert generate_organisations(60) == 60
    assert generate_organisations(40) == 40
    organisations = Organisation.objects.prefetch_related("sectors")
    assert organisations.count() == 100
    assert organisations.published().count() == 100
    assert len({o.name.lower() for o in organisations}) == 100
    assert all(1 <= len(o.sectors.all()) <= 3 for o in organisations)
    assert len({o.kind for o in organisations}) >= 3
    assert all(o.zone is not None for o in organisations)
