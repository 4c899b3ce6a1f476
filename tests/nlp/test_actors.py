"""Actor resolution on articles written for these tests."""


def actor(enriched, name):
    found = [a for a in enriched.actors if a.name == name]
    assert found, [a.name for a in enriched.actors]
    return found[0]


BODY = (
    "ANKARA (Reuters) - Turkish President Recep Tayyip Erdogan and Iranian President Hassan Rouhani discussed trade "
    "in a telephone call on Friday, Turkey's foreign ministry said.\n\n"
    "Erdogan told Rouhani that the two countries should double their trade, the foreign ministry said.\n\n"
    "Rebels in the north of the country said they would not attend the next round of talks.\n\n"
    "(Reporting by Ayse Example; Editing by Tom Sample)"
)


def test_surnames_join_the_full_name(extract_text):
    enriched = extract_text(BODY, title="Erdogan and Rouhani discuss trade")
    erdogan = actor(enriched, "Recep Tayyip Erdogan")
    assert (erdogan.country, erdogan.role) == ("TUR", "President")
    assert [m.field for m in erdogan.mentions].count("title") == 1
    assert len(erdogan.mentions) == 3
    assert actor(enriched, "Hassan Rouhani").country == "IRN"


def test_demonyms_and_possessives_name_countries_and_institutions(extract_text):
    enriched = extract_text(BODY, title="Erdogan and Rouhani discuss trade")
    assert "Turkish" in actor(enriched, "Turkey").aliases
    assert "Iranian" in actor(enriched, "Iran").aliases
    ministry = actor(enriched, "Turkish Foreign Ministry")
    assert (ministry.country, ministry.sector) == ("TUR", "GOV") and len(ministry.mentions) == 2


def test_credits_and_agency_are_not_actors(extract_text):
    enriched = extract_text(BODY, title="Erdogan and Rouhani discuss trade")
    names = {a.name for a in enriched.actors}
    assert not names & {"Ayse Example", "Tom Sample", "Reuters"}
    assert enriched.authors == ["Ayse Example"] and enriched.editors == ["Tom Sample"]
    assert enriched.dateline.place == "Ankara" and enriched.dateline.lat is not None


def test_rebels_take_the_conflict_country(extract_text):
    body = (
        "Yemeni government forces and rebels clashed near the port, Yemen's defence ministry said.\n\n"
        "The rebels said they had repelled the attack."
    )
    enriched = extract_text(body)
    rebels = actor(enriched, "Yemeni rebels")
    assert (rebels.country, rebels.sector, rebels.type) == ("YEM", "REB", "group")


def test_the_kb_overrides_the_model(extract_text):
    enriched = extract_text("U.N. envoy Staffan de Mistura met Bashar al-Assad in Damascus.", published="2016-05-02")
    mistura = actor(enriched, "Staffan de Mistura")
    assert mistura.type == "person" and mistura.country == "IGO"
    assert actor(enriched, "Bashar al-Assad").role == "President"


def test_role_comes_from_the_kb_on_the_publication_date(extract_text):
    enriched = extract_text("Medvedev and Putin discussed the economy with regional governors.", published="2010-06-01")
    assert actor(enriched, "Vladimir Putin").role == "Prime Minister"
    assert actor(enriched, "Dmitry Medvedev").role == "President"


def test_entities_link_to_actors(extract_text):
    enriched = extract_text(BODY, title="Erdogan and Rouhani discuss trade")
    linked = {e.text: e.actor_id for e in enriched.entities if e.field == "body"}
    assert linked["Erdogan"] == "recep-tayyip-erdogan"
    assert linked["ANKARA"] is None


def test_a_body_takes_its_possessors_country(extract_text):
    # the two-country story gives no single country to fall back on: the possessor decides
    enriched = extract_text("Guyana's Ministry of Foreign Affairs has condemned the announcement by Venezuela.")
    assert actor(enriched, "Ministry of Foreign Affairs").country == "GUY"


def test_a_spokesman_of_a_known_group_is_the_groups(extract_text):
    # not the country of "the United States", the only country the sentence names
    enriched = extract_text("Houthi spokesman Yahya Sarea warned the United States.")
    assert actor(enriched, "Yahya Sarea").country == "YEM"


def test_an_ordinal_in_a_title_keeps_the_country_before_it(extract_text):
    enriched = extract_text("South Korea's First Vice Foreign Minister Chang Ho-jin lodged a strong protest with Chinese Ambassador Xing Haiming.")
    assert actor(enriched, "Chang Ho-jin").country == "KOR"


def test_names_are_found_without_their_accents(extract_text):
    enriched = extract_text("Vucic accused Kosovo's authorities of trying to intimidate ethnic Serbs.", published="2023-01-10")
    assert actor(enriched, "Aleksandar Vučić").country == "SRB"


def test_a_capitalised_riot_is_no_person(extract_text):
    enriched = extract_text("Riot police in Hong Kong fired tear gas on Sunday to scatter thousands of protesters.")
    assert "Riot" not in {a.name for a in enriched.actors}
    police = [a for a in enriched.actors if a.sector == "COP"]
    assert police and police[0].country == "HKG"


def test_the_president_is_the_president_named_before(extract_text):
    enriched = extract_text("Serbian President Aleksandar Vucic spoke on Sunday. Defence Minister Milos Vucevic said the president "
                            "had ordered the army to its highest level of combat readiness.", published="2023-01-10")
    vucic = actor(enriched, "Aleksandar Vučić")
    assert "president" in [m.text for m in vucic.mentions]  # "the president" is one of his mentions
    assert [(e.cameo, e.source.name) for e in enriched.events if e.type == "MOBILIZE"] == [("152", "Aleksandar Vučić")]
