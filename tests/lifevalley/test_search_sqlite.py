"""SQLite's FTS5 trigram tables stay in step with the rows, whatever writes them."""

import pytest
from django.db import OperationalError, connection, transaction

from directory.models import Organisation
from lifevalley.search import drop_sqlite_search_triggers, ensure_sqlite_search_tables

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own index")


def found(client, query):
    """The names the site search shows for ``query`` (directory section)."""
    response = client.get("/search/", {"q": query, "kind": "organisations"})
    assert response.status_code == 200
    return response.content.decode()


def ids_matching(query):
    return set(Organisation.objects.published().matched_ids(query))


def test_every_write_reaches_the_search(client, make_organisation):
    organisation = make_organisation(name="Helixcraft Biologics", summary="Gene editing")
    assert ids_matching("craft") == {organisation.pk}
    assert ids_matching("GENE EDIT") == {organisation.pk}  # any case

    organisation.name = "Quartzline Biologics"
    organisation.save()
    assert ids_matching("craft") == set()
    assert ids_matching("quartz") == {organisation.pk}
    assert organisation.get_absolute_url() in found(client, "quartzline")

    Organisation.objects.filter(pk=organisation.pk).update(summary="Vaccine plant")
    assert ids_matching("vaccine") == {organisation.pk}

    organisation.delete()
    assert ids_matching("quartz") == set()


def test_bulk_created_rows_are_found(make_organisation):
    Organisation.objects.bulk_create(
        Organisation(name=f"Bulkmade {n}", slug=f"bulkmade-{n}", is_published=True,
                     kind=Organisation.Kind.ENTERPRISE) for n in range(3)
    )
    assert len(ids_matching("bulkmade")) == 3


def test_a_table_rebuilt_by_a_migration_gets_its_triggers_and_rows_back(make_organisation):
    """SQLite drops a table's triggers when a migration rebuilds it: the next migrate's
    post_migrate check remakes them and fills the index from the rows."""
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "directory_organisation_search_ai"')
    organisation = make_organisation(name="Orphanwrite Labs")
    assert ids_matching("orphanwrite") == set()  # what a missing trigger means

    ensure_sqlite_search_tables()
    assert ids_matching("orphanwrite") == {organisation.pk}
    later = make_organisation(name="Orphanwrite Two")
    assert ids_matching("orphanwrite") == {organisation.pk, later.pk}


@pytest.mark.parametrize("query", ['brain" OR "x', "NEAR(a b)", "bra*", '"Name"', "a:b", "^abc"])
def test_search_syntax_in_a_query_is_plain_text(client, make_organisation, query):
    """FTS5 query syntax (quotes, OR, NEAR, prefix stars, columns) is searched for as text."""
    organisation = make_organisation(name='Odd "Name" brain" OR "x NEAR(a b) bra* a:b ^abc')
    make_organisation(name="Brain Research Institute")  # what bra* or brain OR x would match
    assert ids_matching(query) == {organisation.pk}
    assert organisation.get_absolute_url() in found(client, query)


def test_a_migration_may_drop_a_searched_column(db):
    """SQLite refuses to drop a column a trigger names: the triggers go before migrating."""
    drop = 'ALTER TABLE "directory_organisation" DROP COLUMN "description_zh_hans"'
    with pytest.raises(OperationalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(drop)

    drop_sqlite_search_triggers(plan=[("a migration to apply", False)])
    with connection.cursor() as cursor:
        cursor.execute(drop)
