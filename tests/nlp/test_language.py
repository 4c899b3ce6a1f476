from newsmon.nlp import detect_language


def test_detects_major_languages():
    assert detect_language("The minister said on Monday that the talks with the union would resume next week.") == "en"
    assert detect_language("Le ministre a déclaré lundi que les négociations avec les syndicats reprendront la semaine prochaine.") == "fr"
    assert detect_language("Der Minister sagte am Montag, dass die Gespräche mit der Gewerkschaft in der nächsten Woche fortgesetzt werden.") == "de"
    assert detect_language("El ministro dijo el lunes que las negociaciones con los sindicatos se reanudarán la próxima semana.") == "es"
    assert detect_language("Министр заявил в понедельник, что переговоры возобновятся на следующей неделе.") == "ru"


def test_too_little_text_is_unknown():
    assert detect_language("Putin") is None
    assert detect_language("") is None


def test_non_english_articles_skip_english_steps(extract_text):
    body = "Le ministre des affaires étrangères a rencontré son homologue allemand à Paris pour discuter de la crise."
    declared = extract_text(body, title="Rencontre à Paris", language="fr")
    assert declared.actors == [] and declared.events == [] and "non_english" in declared.warnings
    detected = extract_text(body, title="Rencontre à Paris")
    assert detected.language == "fr" and "non_english" in detected.warnings and detected.events == []


def test_english_is_detected_and_recorded(extract_text):
    enriched = extract_text("The president of France met the chancellor of Germany in Berlin on Monday to discuss the budget.")
    assert enriched.language == "en" and "non_english" not in enriched.warnings
