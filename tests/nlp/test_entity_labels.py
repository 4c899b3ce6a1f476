"""Entity labels the model gets wrong in ordinary copy, fixed from the article itself and the knowledge
base. Sentences written for these tests."""


def labels(enriched):
    return {(e.text, e.label) for e in enriched.entities}


def test_an_agency_credited_alone_is_an_organisation_and_a_description_is_not(extract_text):
    named = extract_text("(Example Wire) - Police in Lagos arrested 12 people on Monday.")
    assert ("Example Wire", "ORG") in labels(named)
    described = extract_text("LAGOS (test copy) - Police in Lagos arrested 12 people on Monday.")
    assert not any(e.text == "test copy" for e in described.entities)


def test_an_abbreviation_in_parentheses_is_a_name_of_its_own(extract_text):
    enriched = extract_text("The Bureau of Industry and Security (BIS) added 14 companies to its list on Friday.")
    found = labels(enriched)
    assert ("Bureau of Industry and Security", "ORG") in found and ("BIS", "ORG") in found, found


def test_a_square_is_a_place_not_an_organisation(extract_text):
    enriched = extract_text("Protesters gathered on the Place de la Bastille on Saturday.")
    found = {e.text: e.label for e in enriched.entities}
    assert found.get("Place de la Bastille") == "FAC", found


def test_a_listed_party_is_an_organisation(extract_text):
    enriched = extract_text("The AfD came second in Thuringia, ahead of the SPD.")
    found = labels(enriched)
    assert ("AfD", "ORG") in found and ("SPD", "ORG") in found, found
    assert {a.country for a in enriched.actors if a.name == "Alternative for Germany"} == {"DEU"}


def test_a_country_after_a_capitalised_first_word_is_the_country(extract_text):
    enriched = extract_text("Hosts Senegal beat Ghana 2-0 in Dakar on Sunday.")
    assert ("Senegal", "GPE") in labels(enriched), labels(enriched)


def test_a_chinese_family_name_alone_is_the_person_named_in_full(extract_text):
    enriched = extract_text("Chinese Foreign Minister Wang Yi arrived in Jakarta on Monday.\n\nWang said trade would grow.")
    assert ("Wang", "PERSON") in labels(enriched), labels(enriched)


def test_a_name_the_article_uses_as_a_place_is_that_place_elsewhere(extract_text):
    enriched = extract_text("Rebels attacked an army post near the river town of Mrauk U on Friday.\n\n"
                            "Mrauk U is home to ancient temples.")
    mentions = [e.label for e in enriched.entities if e.text == "Mrauk U"]
    assert mentions and set(mentions) == {"GPE"}, [(e.text, e.label) for e in enriched.entities]
