"""Placeholder secrets (``change-me...`` from deploy/.env.example) are refused when settings load."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newsmon.config import ConfigError, Settings, load_settings

SECRETS = [name for name, field in Settings.model_fields.items() if "SecretStr" in str(field.annotation)]


def test_every_secret_setting_is_checked():
    assert {"kafka_password", "es_password", "es_api_key", "smtp_password", "api_token", "secret_key"} <= set(SECRETS)


@pytest.mark.parametrize("name", SECRETS)
def test_a_change_me_secret_is_refused_with_one_sentence_naming_the_variable(name):
    variable = f"NEWSMON_{name.upper()}"
    with pytest.raises(ConfigError) as refused:
        load_settings({variable: "change-me-newsmon-password"})
    message = str(refused.value)
    assert message.startswith(variable) and "\n" not in message
    assert "change-me-newsmon-password" not in message  # the value itself is not repeated


def test_a_change_me_password_inside_the_elasticsearch_url_is_refused_too():
    with pytest.raises(ConfigError, match="^NEWSMON_ES_URL still holds the placeholder"):
        load_settings({"NEWSMON_ES_URL": "https://newsmon:change-me-newsmon-password@es:9200"})
    assert load_settings({"NEWSMON_ES_URL": "https://newsmon:a-real-one@es:9200"}).es_url.endswith("@es:9200")


def test_real_secrets_and_unset_ones_load():
    settings = load_settings({"NEWSMON_ES_PASSWORD": "s3cret-not-a-placeholder", "NEWSMON_API_TOKEN": ""})
    assert settings.es_password.get_secret_value() == "s3cret-not-a-placeholder"
    assert settings.api_token is None


def test_the_cli_and_the_worker_refuse_it_before_doing_anything():
    env = {"PATH": "/usr/bin:/bin", "NEWSMON_KAFKA_PASSWORD": "change-me-kafka"}
    for command in (["status"], ["worker"]):
        result = subprocess.run([sys.executable, "-m", "newsmon.cli.main", *command], env={**env, "PYTHONPATH": ":".join(sys.path)},
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result.stderr
        assert result.stderr.strip() == (
            "error: NEWSMON_KAFKA_PASSWORD still holds the placeholder of .env.example ('change-me...'): "
            "set it to a secret of your own (e.g. `openssl rand -hex 32`)."
        )
        assert "Traceback" not in result.stderr
