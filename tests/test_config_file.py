"""The config file: TOML in the platform's config folder (or `XAPP_CONFIG`), sections a
person reads, the environment over it; `xapp config path` says where it is and `xapp
config edit` opens it (written first, every setting commented out); a file that cannot be
used is named with what is wrong, and nothing starts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import xapp_command
from xapp.config import TEMPLATE, ClientSettings, ConfigError, read_file


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        xapp_command(*args), capture_output=True, text=True, timeout=60, env={**os.environ, **env}
    )


def test_sections_fill_the_settings_and_the_environment_wins(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[server]\nurl = "http://example.test:8700"\n'
        "[wallet]\nretype_above = 5000\n"
        "[display]\nbell = true\n"
        '[keys]\n"wallet.savings" = "ctrl+y"\n'
    )
    settings = ClientSettings.load({"XAPP_CONFIG": str(path)})
    assert (settings.server, settings.retype_above, settings.bell) == (
        "http://example.test:8700",
        5000,
        True,
    )
    assert settings.keys == {"wallet.savings": "ctrl+y"}
    overridden = ClientSettings.load({"XAPP_CONFIG": str(path), "XAPP_RETYPE_ABOVE": "100"})
    assert (overridden.retype_above, overridden.bell) == (100, True)


def test_no_file_is_the_defaults_and_the_template_says_nothing(tmp_path) -> None:
    assert read_file(tmp_path / "missing.toml") == {}
    (tmp_path / "template.toml").write_text(TEMPLATE)  # every setting commented out
    assert ClientSettings.load({"XAPP_CONFIG": str(tmp_path / "template.toml")}) == (
        ClientSettings.load({"XAPP_CONFIG": str(tmp_path / "missing.toml")})
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[wallet\n", "Expected ']' at the end of a table declaration (at line 1, column 8)"),
        ("[wallet]\nretype = 5\n", "[wallet] has no setting 'retype'"),
        ("[colours]\nred = 1\n", "there is no section [colours]"),
    ],
)
def test_a_file_that_cannot_be_used_is_named(tmp_path, text: str, said: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        read_file(path)
    assert str(caught.value).startswith(f"{path}: ") and said in str(caught.value)
    done = run("export", "--format", "json", env={"XAPP_CONFIG": str(path)})
    assert done.returncode == 2 and said in done.stderr


def test_a_value_that_does_not_fit_names_the_setting(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[wallet]\nretype_above = "lots"\n')
    done = run("export", "--format", "json", env={"XAPP_CONFIG": str(path)})
    assert done.returncode == 2
    assert f"setting retype_above (in {path} or XAPP_RETYPE_ABOVE)" in done.stderr


def test_config_path_and_edit(tmp_path) -> None:
    path = tmp_path / "conf" / "config.toml"
    env = {"XAPP_CONFIG": str(path)}
    assert run("config", "path", env=env).stdout.strip() == str(path)
    # An "editor" that adds a key under [keys], the template's last section.
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\n"
        "with open(sys.argv[1], 'a') as f:\n"
        '    f.write(\'"wallet.savings" = "ctrl+y"\\n\')\n'
    )
    done = run("config", "edit", env={**env, "EDITOR": f"{sys.executable} {editor}"})
    assert done.returncode == 0, done.stderr
    assert path.read_text().startswith(TEMPLATE)
    assert ClientSettings.load(env).keys == {"wallet.savings": "ctrl+y"}
    # The editor leaves a broken file: said at once, not at the next start.
    broken = tmp_path / "breaker.py"
    broken.write_text("import sys\nopen(sys.argv[1], 'a').write('[display]\\n')\n")
    done = run("config", "edit", env={**env, "EDITOR": f"{sys.executable} {broken}"})
    assert done.returncode == 1 and "Cannot declare ('display',) twice" in done.stderr
