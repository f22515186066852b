import re
import string

import pytest

from workbench import i18n
from workbench.i18n import LANGUAGES, catalog, get_lang, set_lang, t


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogs_have_the_same_keys():
    english, chinese = catalog("en"), catalog("zh-CN")
    assert sorted(english.keys() - chinese.keys()) == []
    assert sorted(chinese.keys() - english.keys()) == []


def test_catalogs_use_the_same_placeholders():
    english, chinese = catalog("en"), catalog("zh-CN")
    mismatched = [key for key in english if _fields(english[key]) != _fields(chinese[key])]
    assert mismatched == []


def test_every_problem_message_has_a_fix():
    keys = catalog("en").keys()
    problem_keys = [key for key in keys if re.match(r"(read|map)\.", key)
                    and not key.endswith(".fix")]
    assert problem_keys, "no problem keys found"
    assert [key for key in problem_keys if key + ".fix" not in keys] == []


def test_chinese_catalog_is_chinese():
    chinese = catalog("zh-CN")
    untranslated = [key for key, text in chinese.items()
                    if text == catalog("en")[key] and re.search(r"[A-Za-z]{4,}", text)
                    and not re.fullmatch(r"[{}\w. ]*", text)]
    assert untranslated == []


@pytest.fixture
def clean_language(monkeypatch):
    for variable in ("WORKBENCH_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    set_lang(None)
    yield monkeypatch
    set_lang(None)


def test_language_from_environment_variable(clean_language):
    clean_language.setenv("LANG", "en_US.UTF-8")
    clean_language.setenv("WORKBENCH_LANG", "zh-CN")
    assert get_lang() == "zh-CN"


def test_language_from_system_locale(clean_language):
    clean_language.setenv("LANG", "zh_CN.UTF-8")
    assert get_lang() == "zh-CN"


def test_language_defaults_to_english(clean_language):
    assert get_lang() == "en"


def test_set_lang_overrides_environment(clean_language):
    clean_language.setenv("WORKBENCH_LANG", "en")
    set_lang("zh-CN")
    assert t("table.sales") == "周销售"


def test_set_lang_rejects_unknown_language(clean_language):
    with pytest.raises(ValueError, match="zh-CN, en"):
        set_lang("fr")


def test_languages_are_the_supported_pair():
    assert LANGUAGES == ("zh-CN", "en")
    assert i18n.normalize_lang("zh_CN.UTF-8") == "zh-CN"
    assert i18n.normalize_lang("C.UTF-8") == "en"
