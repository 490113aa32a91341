"""English catalogue: complete, compiled, and actually used when a user switches to English.

The source strings are Chinese; ``src/huikuan/locale/en/LC_MESSAGES/django.po`` translates every one of them and
``django.mo`` next to it is what Django loads. After changing strings run, from src/huikuan::

    ../../.venv/bin/django-admin makemessages -l en --settings=huikuan.settings -i "core/*" -i "demo/*"
    ../../.venv/bin/django-admin compilemessages --settings=huikuan.settings
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from factories import PASSWORD
from huikuan.analytics.run import run_daily

LOCALE = Path(__file__).resolve().parents[1] / "src" / "huikuan" / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: enough for what makemessages writes (no obsolete-entry bodies, no previous-msgid)."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: tuple[str, int] | None = None

    def value(text: str) -> str:
        return ast.literal_eval(text.strip())

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, key = None, None
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#,"):
            current.flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert key is not None, f"{path}:{number}: continuation line without a keyword"
            name, index = key
            if name == "msgstr":
                current.msgstr[index] += value(line)
            else:
                setattr(current, name, getattr(current, name) + value(line))
        else:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
            assert match, f"{path}:{number}: cannot read {raw!r}"
            name, index, text = match.group(1), int(match.group(2) or 0), value(match.group(3))
            key = (name, index)
            if name == "msgstr":
                current.msgstr[index] = text
            else:
                setattr(current, name, text)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = [e for e in parse_po(PO) if not e.obsolete]
    assert entries and entries[0].msgid == "", "the .po file starts with its header"
    return entries


def messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid]


def where(entry: Entry) -> str:
    return f"{PO.name}:{entry.line} {entry.msgid!r}"


# --- (a) the .po file is complete --------------------------------------------------------------------------------


def test_the_catalogue_is_english_with_two_plural_forms(catalogue: list[Entry]) -> None:
    header = catalogue[0].msgstr[0]
    assert "Language: en\n" in header
    assert "charset=UTF-8" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header
    assert len(messages(catalogue)) > 500, "makemessages found the Chinese source strings"


def test_no_entry_is_fuzzy(catalogue: list[Entry]) -> None:
    fuzzy = [where(e) for e in catalogue if "fuzzy" in e.flags]
    assert not fuzzy, fuzzy


def test_every_message_is_translated(catalogue: list[Entry]) -> None:
    missing = []
    for entry in messages(catalogue):
        forms = 2 if entry.msgid_plural is not None else 1
        if sorted(entry.msgstr) != list(range(forms)) or not all(s.strip() for s in entry.msgstr.values()):
            missing.append(where(entry))
    assert not missing, missing


def test_translations_are_english(catalogue: list[Entry]) -> None:
    chinese = [where(e) for e in messages(catalogue) if any(HAN.search(s) for s in e.msgstr.values())]
    assert not chinese, chinese


def test_placeholders_are_kept(catalogue: list[Entry]) -> None:
    wrong = []
    for entry in messages(catalogue):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        for form, text in entry.msgstr.items():
            got = sorted(PLACEHOLDER.findall(text))
            # The singular form may spell the count out ("one row"); every other placeholder must be there.
            if got != wanted and not (
                entry.msgid_plural is not None and form == 0 and set(got) <= set(wanted)
            ):
                wrong.append(f"{where(entry)} [{form}] {text!r}")
        if "python-format" in entry.flags:
            for text in entry.msgstr.values():
                assert "%" not in PLACEHOLDER.sub("", text).replace("%%", ""), (
                    f"{where(entry)}: stray % in {text!r}"
                )
    assert not wrong, wrong


def test_html_tags_are_kept(catalogue: list[Entry]) -> None:
    tag = re.compile(r"</?\w+[^>]*>")
    wrong = [
        where(e)
        for e in messages(catalogue)
        for text in e.msgstr.values()
        if sorted(tag.findall(e.msgid)) != sorted(tag.findall(text))
    ]
    assert not wrong, wrong


# --- (b) the .mo file is compiled from this .po ------------------------------------------------------------------


def test_the_mo_file_is_up_to_date(catalogue: list[Entry]) -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    table: dict = compiled._catalog  # type: ignore[attr-defined]
    expected: dict = {}
    for entry in messages(catalogue):
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            for form, text in entry.msgstr.items():
                expected[(msgid, form)] = text
    actual = {k: v for k, v in table.items() if k != ""}
    stale = sorted(str(k) for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))
    assert not stale, f"django.mo differs from django.po (run compilemessages): {stale[:20]}"
    assert compiled.plural(1) == 0 and compiled.plural(2) == 1


# --- (c) pages render in English ---------------------------------------------------------------------------------


def english(username: str | None = None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if username:
        assert client.login(username=username, password=PASSWORD)
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Language"] == "en"
    return response.content.decode()


def assert_english(html: str, present: list[str], absent: list[str]) -> None:
    for text in present:
        assert text in html, f"{text!r} missing from the English page"
    for text in absent:
        assert text not in html, f"{text!r} still on the English page"
    marks = sorted(set(FULL_WIDTH.findall(html)))
    assert not marks, f"full-width punctuation {marks} on the English page"


FULL_WIDTH = re.compile("[：，。；、（）]")
TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "huikuan"
TEMPLATE_TAGS = re.compile(
    r"\{%\s*blocktranslate.*?\{%\s*endblocktranslate\s*%\}|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S
)


def test_templates_put_punctuation_between_words_through_punct() -> None:
    """Full-width marks outside translated strings would stay Chinese in English: templates write them
    as {% punct "：" %} (huikuan.web.templatetags.huikuan.punct)."""
    found = []
    for path in sorted(TEMPLATES.glob("**/templates/**/*.html")):
        literal = TEMPLATE_TAGS.sub("", path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(TEMPLATES)}: {m}" for m in FULL_WIDTH.findall(literal)]
    assert found == []


def test_punct_gives_each_mark_its_english_form() -> None:
    from django.template import Context, Template
    from django.utils import translation

    text = Template('{% load huikuan %}A{% punct "：" %}B{% punct "（" %}C{% punct "）" %}{% punct "，" %}D')
    with translation.override("en"):
        assert text.render(Context()) == "A: B (C), D"
    with translation.override("zh-hans"):
        assert text.render(Context()) == "A：B（C），D"


MENU_ZH = ["今日工作台", "报表", "退出", "主菜单", "跳到正文"]


@pytest.fixture
def daily(world: World) -> World:
    run_daily(timezone.localdate())  # Today and the dashboard show the latest daily run
    return world


@pytest.mark.django_db
def test_login_page_in_english() -> None:
    html = page(english(), reverse("login"))
    assert '<html lang="en">' in html
    assert_english(html, ["Log in", "Username", "Password"], ["登录", "用户名", "密码", "跳到正文"])


def test_today_in_english(daily: World) -> None:
    html = page(english("sales_a"), "/")
    assert_english(
        html,
        ["Today", "Customer", "Contract", "Reports", "Log out", "Collection worklist", "Main menu"],
        [*MENU_ZH, "催款清单", "数据日期", "记录跟进", "逾期"],
    )
    assert daily.cust_a.name in html  # data stays as entered


def test_customer_page_in_english(daily: World) -> None:
    html = page(english("sales_a"), reverse("customers:detail", args=[daily.cust_a.pk]))
    assert_english(
        html,
        ["Book-closing day", "Collection log", "Documents and evidence", "Receivable"],
        [*MENU_ZH, "扎账日", "催款记录", "单据与证据", "统一社会信用代码", "未收"],
    )


def test_dashboard_in_english(daily: World) -> None:
    html = page(english("mgr_east"), reverse("dashboards:dashboard"))
    assert_english(
        html,
        ["Reports", "Key metrics", "13-week collection forecast", "Aging (by salesperson)"],
        [*MENU_ZH, "关键指标", "13周回款预测", "账龄（按销售）", "本月回款率"],
    )


def test_contract_page_letter_buttons_in_english(daily: World) -> None:
    contract = daily.cust_a.contracts.first()
    html = page(english("sales_a"), reverse("contracts:detail", args=[contract.pk]))
    assert_english(
        html,
        ["Balance confirmation PDF", "Dunning letter Word", "Payment plan confirmation"],
        [*MENU_ZH, "付款计划确认书", "函件与证据包"],
    )


def test_the_language_select_switches_to_english_and_back(world: World) -> None:
    client = Client()  # no Accept-Language: the site default, Chinese
    assert client.login(username="sales_a", password=PASSWORD)
    assert "退出" in client.get(reverse("customers:list")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("customers:list")})
    assert response.status_code == 302
    html = client.get(reverse("customers:list")).content.decode()
    assert "Log out" in html and "退出" not in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "退出" in client.get(reverse("customers:list")).content.decode()
