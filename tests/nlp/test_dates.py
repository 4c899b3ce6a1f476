from datetime import date

import pytest

from newsmon.nlp.dates import is_date_expression, resolve_date

SATURDAY = date(2017, 3, 18)


@pytest.mark.parametrize(
    "text, tense, expected, granularity",
    [
        ("on Saturday", None, date(2017, 3, 18), "day"),  # the day of a Saturday paper
        ("Saturday", "past", date(2017, 3, 18), "day"),
        ("on Wednesday", "past", date(2017, 3, 15), "day"),
        ("on Wednesday", "future", date(2017, 3, 22), "day"),
        ("next Monday", None, date(2017, 3, 20), "day"),
        ("last Saturday", None, date(2017, 3, 11), "day"),
        ("May 3 and 4", "future", date(2017, 5, 3), "day"),
        ("May 3-4", None, date(2017, 5, 3), "day"),
        ("March 23", "future", date(2017, 3, 23), "day"),
        ("23 March", None, date(2017, 3, 23), "day"),
        ("January 5", "future", date(2018, 1, 5), "day"),
        ("December", "past", date(2016, 12, 1), "month"),
        ("early March 2016", None, date(2016, 3, 1), "month"),
        ("May 3, 2015", None, date(2015, 5, 3), "day"),
        ("2017-03-23", None, date(2017, 3, 23), "day"),
        ("yesterday", None, date(2017, 3, 17), "day"),
        ("2016", None, date(2016, 1, 1), "year"),
    ],
)
def test_resolves_against_publication(text, tense, expected, granularity):
    found = resolve_date(text, SATURDAY, tense)
    assert found is not None
    assert (found.date, found.granularity) == (expected, granularity)


@pytest.mark.parametrize("text", ["2254", "resolution 2254", "this week", "recently", "", "4-38", "Sunday's"])
def test_not_dates(text):
    assert resolve_date(text, SATURDAY) is None


def test_a_resolution_number_is_not_a_date_whatever_the_year():
    assert not is_date_expression("2254")
    assert is_date_expression("1996")
    assert is_date_expression("March 23")


def test_relative_dates_need_a_publication_date():
    assert resolve_date("on Saturday", None) is None
    assert resolve_date("May 3, 2015", None).date == date(2015, 5, 3)
