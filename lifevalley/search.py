"""One search machinery for the site search and every list's ``q``.

A row matches when every word appears in one of its text fields (either language; this is what
finds Chinese, which has no word breaks). On PostgreSQL it also matches by English full-text
search (stemming: "researchers" finds "research") and by trigram similarity of its name
("Sinovak" finds SINOVAC), both answered from GIN indexes the migrations create (see
``search_index_operations``). Results rank by the field the words matched in (names count
most) plus name similarity. When nothing matches, the site search suggests a spelling from the
words of the published names ("Novatis" → "Novartis").
"""

import difflib
import json
import re
import unicodedata

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.lookups import DataContains
from django.contrib.postgres.search import (
    SearchQuery,
    SearchVector,
    SearchVectorExact,
    TrigramWordSimilarity,
)
from django.db import connection, connections, migrations
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    FloatField,
    Func,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat, Greatest, Upper

from lifevalley import search_sqlite

# The longest query any search box takes (the site search, the directory's and the events' ``q``).
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw):
    """The query as a visitor meant it: no control characters, single spaces, bounded length."""
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", raw or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def query_terms(query):
    return [term for term in clean_query(query).split(" ") if term]


def is_postgresql():
    return connection.vendor == "postgresql"


class SearchableQuerySet:
    """Mixin for QuerySets; the model lists its text fields by weight in ``search_fields``.

    ``search_fields = {"A": ["name"], "B": ["summary"], "C": ["description"]}`` names the
    translated fields; both languages of each are searched.
    """

    def search(self, query, matched_ids=None):
        """The matches, most relevant first (``rank``).

        With ``matched_ids`` (from ``matched_ids()`` on the same rows) only those are ranked,
        without evaluating the search condition again.
        """
        terms = query_terms(query)[:MAX_TERMS]
        if not terms:
            return self.annotate(rank=Value(0.0, output_field=FloatField()))
        if is_postgresql():
            rank = _postgres_rank(self.model, terms)
        else:
            rank = _substring_rank(self.model, terms)
        matches = self.every_match(query) if matched_ids is None else self.filter(
            PkInList(matched_ids)
        )
        return matches.annotate(rank=rank).order_by("-rank", "pk")

    def matching(self, query):
        """The matches, unranked, for lists with their own order: each row is tested as the
        list walks its index, so a page of a common word stops after a page of rows."""
        terms = query_terms(query)[:MAX_TERMS]
        if not terms:
            return self
        if is_postgresql():
            return self.filter(_postgres_condition(self, terms))
        return self.filter(_substring_condition(self, terms))

    def every_match(self, query):
        """The matches, for a search that reads all of them at once (ranking, the ids that
        counts and facets reuse). The same rows as ``matching``; on SQLite they come from the
        FTS5 trigram table (``search_sqlite``) instead of testing every row's text."""
        terms = query_terms(query)[:MAX_TERMS]
        if not terms or is_postgresql():
            return self.matching(query)
        return self.filter(_substring_condition(self, terms, indexed=True))

    def matched_ids(self, query):
        """The primary keys of the matches, in one query, for lists, counts and facets to reuse,
        or None when the query has no words (everything matches).

        A request evaluates the search condition once with this, then filters on
        ``PkInList(<these ids>)`` (see ``MatchedResults`` and the directory's facets) instead
        of matching every row's text again for each count.
        """
        if not query_terms(query):
            return None
        return list(self.every_match(query).order_by().stored_values_list("pk", flat=True))

    def ranked_ids(self, query):
        """The primary keys of the matches, most relevant first; one query."""
        return list(self.search(query).stored_values_list("pk", flat=True))

    def related_search_condition(self, term):
        """Extra matches through related rows (e.g. sector names); none by default."""
        return Q()


class MatchedResults:
    """Search results as the list of ranked ids, fetching only the rows that are shown.

    ``count()`` and ``len()`` are the number of ids (no COUNT query); a slice fetches its rows
    from ``queryset`` (one query plus its prefetches) in the ids' order. Paginator accepts it.
    """

    def __init__(self, queryset, ids):
        self.queryset = queryset
        self.ids = ids

    def count(self):
        return len(self.ids)

    def __len__(self):
        return len(self.ids)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0] if index >= 0 else self[:][index]
        ids = self.ids[index]
        if not ids:
            return []
        rows = {row.pk: row for row in self.queryset.filter(pk__in=ids).order_by()}
        return [rows[pk] for pk in ids if pk in rows]


def language_fields(model, name):
    """``[name_en, name_zh_hans]`` (English first) for a translated field, or ``[name]``."""
    from modeltranslation.translator import NotRegistered, translator
    from modeltranslation.utils import build_localized_fieldname

    # Migrations pass historical models, which modeltranslation does not know: use the real one.
    model = django_apps.get_model(model._meta.app_label, model._meta.model_name)
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return [name]
    if name not in options.all_fields:
        return [name]
    return [build_localized_fieldname(name, code) for code, _label in settings.LANGUAGES]


def _weighted_fields(model):
    model = django_apps.get_model(model._meta.app_label, model._meta.model_name)
    for weight, names in model.search_fields.items():
        for name in names:
            yield weight, name, language_fields(model, name)


def english_search_vector(model):
    """The weighted English vector; the GIN index in the migrations is built on exactly this."""
    vector = None
    for weight, _name, fields in _weighted_fields(model):
        english = fields[0]
        part = SearchVector(english, weight=weight, config="english")
        vector = part if vector is None else vector + part
    return vector


def _substring_conditions(model, term):
    condition = Q()
    for _weight, _name, fields in _weighted_fields(model):
        for field in fields:
            condition |= Q(**{f"{field}__icontains": term})
    return condition


def _substring_rank(model, terms):
    """Sum over terms of the best weight among the fields each term appears in."""
    score = Value(0.0, output_field=FloatField())
    for term in terms:
        whens = []
        for weight, _name, fields in _weighted_fields(model):
            for field in fields:
                whens.append(When(**{f"{field}__icontains": term}, then=Value(WEIGHTS[weight])))
        score = score + Case(*whens, default=Value(0.0), output_field=FloatField())
    return score


def _substring_condition(queryset, terms, *, indexed=False):
    """Every term appears in some text field (either language) or a related row.

    ``indexed``: a term of three characters or more is looked up in the model's FTS5 trigram
    table (``search_sqlite``), and the related rows by their ids; a shorter term (one Chinese
    character) has no trigram and is tested on every row.
    """
    condition = Q()
    for term in terms:
        in_fields = _substring_conditions(queryset.model, term)
        related = queryset.related_search_condition(term)
        if indexed:
            if len(term) >= 3:
                in_fields = Q(SqliteContains(queryset.model, term))
            related = _indexed_related_condition(queryset.model, related)
        condition &= in_fields | related
    return condition


def searched_models():
    """The models the site search and the lists' ``q`` search (those with ``search_fields``)."""
    return [model for model in django_apps.get_models()
            if isinstance(getattr(model, "search_fields", None), dict)]


def searched_columns(model):
    """Every searched column of ``model``, both languages of each field."""
    return [field for _weight, _name, fields in _weighted_fields(model) for field in fields]


def drop_sqlite_search_triggers(using="default", plan=None, **kwargs):
    """Before ``migrate`` applies anything (pre_migrate): the FTS5 triggers go, on SQLite."""
    database = connections[using]
    if database.vendor != "sqlite" or not plan:
        return
    for model in searched_models():
        search_sqlite.drop_triggers(database, model)


def ensure_sqlite_search_tables(using="default", **kwargs):
    """After ``migrate`` (post_migrate): each searched model's FTS5 table on SQLite."""
    database = connections[using]
    if database.vendor != "sqlite":
        return
    for model in searched_models():
        search_sqlite.ensure_search_table(database, model, searched_columns(model))


class PkCondition(Expression):
    """A condition on the row's primary key, written in SQL by the subclass (``as_sql``)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self):
        super().__init__()
        self.lhs = F("pk")

    def get_source_expressions(self):
        return [self.lhs]

    def set_source_expressions(self, expressions):
        (self.lhs,) = expressions


class PkInList(PkCondition):
    """``pk`` is one of ``ids``, with a single parameter however many there are (no limit on
    the number of SQL variables): ``= ANY(%s)`` on PostgreSQL, ``json_each`` on SQLite."""

    def __init__(self, ids):
        super().__init__()
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        if connection.vendor == "postgresql":
            return f"{lhs_sql} = ANY(%s)", (*lhs_params, self.ids)
        if connection.vendor == "sqlite":
            return (
                f"{lhs_sql} IN (SELECT value FROM json_each(%s))",  # noqa: S608 - a column
                (*lhs_params, json.dumps(self.ids)),
            )
        placeholders = ", ".join(["%s"] * len(self.ids)) or "NULL"
        return f"{lhs_sql} IN ({placeholders})", (*lhs_params, *self.ids)


class PkInArray(PkCondition):
    """``pk = ANY(ARRAY(subquery))``: the subquery runs once, and the row test is an index
    condition on the primary key, so that PostgreSQL can OR it with other indexed conditions
    (a BitmapOr) where ``pk IN (subquery)`` inside an OR makes it scan every row."""

    def __init__(self, queryset):
        super().__init__()
        self.subquery = Subquery(queryset.order_by())

    def get_source_expressions(self):
        return [self.lhs, self.subquery]

    def set_source_expressions(self, expressions):
        self.lhs, self.subquery = expressions

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        subquery_sql, subquery_params = compiler.compile(self.subquery)
        return f"{lhs_sql} = ANY(ARRAY{subquery_sql})", (*lhs_params, *subquery_params)


class SqliteContains(PkCondition):
    """The row's searched text (any searched column) contains ``term``, from the model's FTS5
    trigram table (``search_sqlite``). Only for terms of three characters or more: shorter
    ones have no trigram."""

    def __init__(self, model, term):
        super().__init__()
        self.table = search_sqlite.search_table(model)
        self.term = term

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        table = connection.ops.quote_name(self.table)
        return (
            f"{lhs_sql} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)",  # noqa: S608
            (*lhs_params, search_sqlite.fts_phrase(self.term)),
        )


def _indexed_related_condition(model, condition):
    """The related-row condition, each OR-ed part as ``pk`` in the ids of the rows it matches:
    inside an OR a join would make the database test every row, where an id list is an index
    lookup (``= ANY(ARRAY(…))`` on PostgreSQL, see PkInArray; ``IN (…)`` of rowids on SQLite)."""
    if not condition:
        return condition
    parts = condition.children if condition.connector == Q.OR and not condition.negated else [
        condition
    ]
    indexed = Q()
    for part in parts:
        part = Q(part) if isinstance(part, Q) else Q(**{part[0]: part[1]})
        ids = model._base_manager.filter(part).values("pk")
        indexed |= PkInArray(ids) if is_postgresql() else Q(pk__in=ids)
    return indexed


class CharacterArray(Func):
    """``string_to_array(text, NULL)``: the characters of the text, as an array."""

    function = "string_to_array"
    template = "%(function)s(%(expressions)s, NULL)"
    output_field = ArrayField(TextField())


def searched_characters(model):
    """The characters of every searched field (both languages), upper-cased; the GIN index
    ``search_index_operations(characters=True)`` adds is built on exactly this."""
    text = Concat(*searched_columns(model), output_field=TextField())  # a NULL field counts as ""
    return CharacterArray(Upper(text))


def _has_characters(model, term):
    """The row's searched text holds every character of ``term``: a term too short for a
    trigram (``脑``) is found from the character index, then tested as a substring."""
    return DataContains(searched_characters(model), CharacterArray(Upper(Value(term))))


def _postgres_condition(queryset, terms):
    """Full-text match, or a name similar to the query, or the substring condition.

    Every arm is answered from an index, so PostgreSQL ORs bitmap index scans instead of
    reading every row's text: the full-text GIN index, the trigram
    indexes on the names (similarity) and on ``UPPER`` of every searched field (substrings,
    see ``substring_index_operations``), and id subqueries for the related rows.
    """
    model = queryset.model
    text = " ".join(terms)
    query = SearchQuery(text, search_type="websearch", config="english")
    if all(len(term) >= 3 for term in terms):
        # The row's vector compared in place (not an id subquery): it is the GIN index's very
        # expression, so it is one more bitmap arm, and a query matching most rows does not
        # become an id array that every row is checked against.
        condition = SearchVectorExact(english_search_vector(model), query)
    else:
        # A term under three characters (one Chinese character) has no trigram, so the
        # substring arms scan the rows anyway: find the full-text matches once from their
        # index rather than building every scanned row's vector.
        fulltext = (
            model._base_manager.annotate(document=english_search_vector(model))
            .filter(document=query)
            .values("pk")
        )
        condition = PkInArray(fulltext)
    similar = Q()
    for field in language_fields(model, model.search_fields["A"][0]):
        similar |= Q(**{f"{field}__trigram_word_similar": text})
    substrings = Q()
    for term in terms:
        in_fields = _substring_conditions(model, term)
        if len(term) < 3:
            in_fields = Q(_has_characters(model, term)) & in_fields
        substrings &= in_fields | _indexed_related_condition(
            model, queryset.related_search_condition(term)
        )
    # The trigram indexes are lossy, so PostgreSQL rechecks the whole condition on each row
    # they return, arm by arm until one holds: the cheap substring tests come first, and the
    # row's English vector (parsing all of its text) is built only when they all fail.
    return substrings | similar | condition


def _postgres_rank(model, terms):
    """Where the words matched (names count most) plus how similar the name is to the query.

    Full-text matching finds the rows through its index; ranking them does not re-parse
    every matching row's text (``ts_rank``), which cost more than the whole rest of a page.
    """
    text = " ".join(terms)
    name_fields = language_fields(model, model.search_fields["A"][0])
    similarity = Greatest(
        *[TrigramWordSimilarity(text, field) for field in name_fields], Value(0.0)
    )
    return similarity + _substring_rank(model, terms)


def suggest_spelling(query, vocabulary):
    """A corrected query when some words are close to words of ``vocabulary``, else None."""
    corrected = []
    changed = False
    lowered = {word.lower(): word for word in vocabulary}
    for term in query_terms(query):
        if term.lower() in lowered:
            corrected.append(term)
            continue
        matches = difflib.get_close_matches(term.lower(), lowered, n=1, cutoff=0.8)
        if matches:
            corrected.append(lowered[matches[0]])
            changed = True
        else:
            corrected.append(term)
    return " ".join(corrected) if changed else None


def name_vocabulary(queryset):
    """Distinct words of the English names (or titles), for spelling suggestions; one query."""
    model = queryset.model
    field = language_fields(model, model.search_fields["A"][0])[0]
    words = set()
    for name in queryset.stored_values_list(field, flat=True).iterator(chunk_size=2000):
        words.update(re.findall(r"[A-Za-z][A-Za-z\-]{2,}", name or ""))
    return words


def search_index_operations(app_label, model_name, substrings=False, characters=False):
    """Migration operations adding the GIN indexes behind the PostgreSQL search.

    The full-text index is built from ``english_search_vector``, the very expression the
    search filters on, so the planner can use it; trigram indexes on the names serve similarity.
    With ``substrings=True`` they are instead the trigram indexes on ``UPPER(field)`` of every
    searched field in both languages, the very expression ``icontains`` compares, which answer
    the substring arms. With ``characters=True`` it is the GIN index of the characters of
    every searched field (``searched_characters``), which answers terms too short for a
    trigram (one or two Chinese characters). SQLite has none of these, so there the operation
    does nothing.
    """

    def search_indexes(model):
        prefix = f"{app_label}_{model_name}"[:18]
        yield GinIndex(english_search_vector(model), name=f"{prefix}_fts")
        real_model = django_apps.get_model(app_label, model_name)
        name_field = real_model.search_fields["A"][0]
        for field in language_fields(model, name_field):
            yield GinIndex(
                fields=[field], opclasses=["gin_trgm_ops"], name=f"{prefix}_{field}_trgm"[:30]
            )

    def character_indexes(model):
        yield GinIndex(searched_characters(model), name=f"{model_name[:5]}_search_chars")

    def substring_indexes(model):
        prefix = model_name[:5]
        for _weight, _name, fields in _weighted_fields(model):
            for field in fields:
                yield GinIndex(
                    OpClass(Upper(field), name="gin_trgm_ops"), name=f"{prefix}_{field}_up"[:30]
                )

    if characters:
        indexes = character_indexes
    else:
        indexes = substring_indexes if substrings else search_indexes

    def apply(operation):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            historical = apps.get_model(app_label, model_name)
            for index in indexes(historical):
                getattr(schema_editor, operation)(historical, index)

        return run

    return migrations.RunPython(apply("add_index"), apply("remove_index"))
