"""The editor's path in a real browser: log in, enter a round in one screen with its
defaults, re-save every round unchanged, start from the previous round, two editors
saving the same position, the history, and an import with its preview."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from negotiations.models import Negotiation, StatedPosition, TalkRound

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-editor-password"
LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
SEED_SOURCE = "Latest Japan-U.S. Tariff Talks Reveal Significant Gap"
# The seed round (Japan–U.S. round 2), as the fact sheet tells it.
SEED_POSITIONS = [
    (
        "Ryosei Akazawa",
        "Passenger cars (japan-us-2025)",
        "eliminate",
        "2.5",
        "Requested a review of all additional tariffs on Japan, including autos and "
        "steel/aluminum.",
    ),
    (
        "Scott Bessent",
        "Reciprocal tariff (japan-us-2025)",
        "discuss_only",
        "",
        "Would only discuss the additional 14% reciprocal portion, not the 10% baseline.",
    ),
    (
        "Scott Bessent",
        "Passenger cars (japan-us-2025)",
        "refuse",
        "27.5",
        "Would not negotiate the car tariffs (25% on top of the 2.5% MFN rate).",
    ),
]


def make_editor(username: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def log_in(page: Page, site: str, username: str) -> None:
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)


class Counter:
    """Counts what an editor does: each click, each field typed in or chosen."""

    def __init__(self, page: Page):
        self.page, self.count = page, 0

    def click(self, locator) -> None:
        locator.click()
        self.count += 1

    def fill(self, selector: str, value: str) -> None:
        self.page.fill(selector, value)
        self.count += 1

    def choose(self, selector: str, **option) -> None:
        self.page.select_option(selector, **option)
        self.count += 1

    def autocomplete(self, field_id: str, text: str) -> None:
        """A search box (select2): open it, type, choose the match: three actions."""
        page = self.page
        page.locator(f"#{field_id}").locator(
            "xpath=following-sibling::span[contains(@class,'select2')]"
        ).click()
        search = page.locator(".select2-container--open .select2-search__field")
        search.press_sequentially(text, delay=10)
        expect(page.locator(".select2-results__option--highlighted", has_text=text)).to_be_visible()
        search.press("Enter")
        self.count += 3


@pytest.fixture
def japan_us_after_round_1(site):
    """The demo with the Japan–U.S. talks cut back to round 1, to enter round 2 anew."""
    negotiation = Negotiation.objects.get(slug="japan-us-2025")
    StatedPosition.objects.filter(round__negotiation=negotiation, round__number__gte=2).delete()
    TalkRound.objects.filter(negotiation=negotiation, number__gte=2).delete()
    return negotiation


def test_an_editor_enters_the_seed_round_in_one_screen_with_its_defaults(
    page: Page, site, japan_us_after_round_1, artifacts
):
    negotiation = japan_us_after_round_1
    make_editor("hana")
    page.set_viewport_size(LAPTOP)
    log_in(page, site, "hana")
    page.goto(f"{site}/admin/negotiations/negotiation/{negotiation.pk}/change/")
    act = Counter(page)

    act.click(page.get_by_role("link", name="Add round 2"))
    act.fill("#id_start_date", "2025-05-01")
    act.click(page.get_by_label("Ryosei Akazawa (JPN)"))
    act.click(page.get_by_label("Scott Bessent (USA)"))
    act.autocomplete("id_source", SEED_SOURCE)
    # The round's date and source show as each position's defaults.
    expect(page.locator("#id_positions-0-stated_on")).to_have_attribute("placeholder", "2025-05-01")
    expect(page.locator("#id_positions-0-source_helptext")).to_contain_text(
        "Empty: the round's source, The Japan News (Yomiuri Shimbun): Latest Japan-U.S."
    )
    for row, (speaker, issue, stance, target, statement) in enumerate(SEED_POSITIONS):
        prefix = f"#id_positions-{row}"
        act.choose(f"{prefix}-speaker", label=speaker)
        act.choose(f"{prefix}-issue", label=issue)
        act.choose(f"{prefix}-stance", value=stance)
        if target:
            act.fill(f"{prefix}-target_rate_pct", target)
        act.fill(f"{prefix}-statement", statement)
    # Choosing the speaker chose the party; only that party's officials are offered.
    expect(page.locator("#id_positions-1-party option:checked")).to_have_text("United States (USA)")
    expect(page.locator("#id_positions-1-speaker optgroup[label='Japan (JPN)']")).to_be_disabled()
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=artifacts / "round-form-1366.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts / "round-form-390.png", full_page=True)
    page.set_viewport_size(LAPTOP)
    act.click(page.locator("input[name=_save]"))

    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    round_2 = TalkRound.objects.get(negotiation=negotiation, number=2)
    positions = list(round_2.positions.order_by("pk"))
    assert [(p.party.code, p.speaker.name, p.target_rate_pct) for p in positions] == [
        ("JPN", "Ryosei Akazawa", Decimal("2.5")),
        ("USA", "Scott Bessent", None),
        ("USA", "Scott Bessent", Decimal("27.5")),
    ]
    assert {p.stated_on for p in positions} == {datetime.date(2025, 5, 1)}
    assert {p.source.title for p in positions} == {round_2.source.title}
    assert {p.confidence for p in positions} == {"reported"}
    assert set(round_2.participants.values_list("name", flat=True)) == {
        "Ryosei Akazawa",
        "Scott Bessent",
    }
    print(f"\nEntering the seed round: {act.count} interactions; scrollWidth {width} px")
    assert width <= LAPTOP["width"]
    assert act.count <= 22


def test_every_demo_round_saves_unchanged(page: Page, site):
    make_editor("hana")
    log_in(page, site, "hana")
    before = list(StatedPosition.objects.order_by("pk").values())
    rounds = list(TalkRound.objects.order_by("pk").values_list("pk", "version"))

    for pk, _ in rounds:
        page.goto(f"{site}/admin/negotiations/talkround/{pk}/change/")
        page.locator("input[name=_save]").click()
        expect(page.locator(".messagelist .success")).to_be_visible()

    assert list(StatedPosition.objects.order_by("pk").values()) == before
    assert list(TalkRound.objects.order_by("pk").values_list("pk", "version")) == rounds


def test_a_new_round_starts_from_the_previous_rounds_positions(page: Page, site):
    negotiation = Negotiation.objects.get(slug="japan-us-2025")
    make_editor("hana")
    log_in(page, site, "hana")
    page.goto(f"{site}/admin/negotiations/negotiation/{negotiation.pk}/change/")
    page.get_by_role("link", name="Add round 11").click()

    page.get_by_role("link", name="Start from round 10’s positions").click()

    copied = StatedPosition.objects.filter(round__negotiation=negotiation, round__number=10)
    statements = page.locator("textarea[name$='-statement']")
    expect(statements.first).to_have_value(copied.in_order().first().statement)
    page.fill("#id_start_date", "2025-10-01")
    page.locator("#positions-0 .inline-deletelink").click()  # not restated this time
    page.fill("#id_positions-0-target_rate_pct", "12.5")  # restated differently
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    round_11 = TalkRound.objects.get(negotiation=negotiation, number=11)
    assert round_11.positions.count() == copied.count() - 1
    assert round_11.positions.filter(target_rate_pct=Decimal("12.5")).count() == 1


def test_the_second_of_two_editors_saving_one_position_sees_what_the_first_changed(
    browser: Browser, site, artifacts
):
    make_editor("hana")
    make_editor("kenji")
    round_2 = TalkRound.objects.get(negotiation__slug="japan-us-2025", number=2)
    target = round_2.positions.get(statement__startswith="Requested a review", issue__slug="autos")
    url = f"{site}/admin/negotiations/talkround/{round_2.pk}/change/"
    pages, contexts = [], [browser.new_context(viewport=LAPTOP) for _ in range(2)]
    for name, context in zip(("hana", "kenji"), contexts, strict=True):
        page = context.new_page()
        log_in(page, site, name)
        page.goto(url)
        pages.append(page)
    hana, kenji = pages

    def target_field(page):
        row = page.locator(f"input[name$='-id'][value='{target.pk}']").get_attribute("name")
        return f"input[name='{row.removesuffix('-id')}-target_rate_pct']"

    hana.fill(target_field(hana), "3")
    hana.locator("input[name=_save]").click()
    expect(hana.locator(".messagelist .success")).to_be_visible()
    kenji.fill(target_field(kenji), "5")
    kenji.locator("input[name=_save]").click()

    expect(kenji.locator(".errornote")).to_be_visible()
    refusal = kenji.locator(".errorlist.nonfield", has_text="Someone else saved")
    expect(refusal).to_contain_text("hana, ")
    expect(refusal).to_contain_text("target rate 2.5 % → 3 %")
    refusal.locator("xpath=ancestor::div[contains(@class,'inline-related')]").screenshot(
        path=artifacts / "conflict.png"
    )
    target.refresh_from_db()
    assert target.target_rate_pct == Decimal("3")

    kenji.goto(url)  # reload, then redo the change over hana's
    kenji.fill(target_field(kenji), "5")
    kenji.locator("input[name=_save]").click()
    expect(kenji.locator(".messagelist .success")).to_be_visible()
    target.refresh_from_db()
    assert target.target_rate_pct == Decimal("5")

    # The history of the position shows both saves, by whom, with old and new values.
    kenji.goto(f"{site}/admin/negotiations/statedposition/{target.pk}/history/")
    history = kenji.locator("#change-history")
    expect(history).to_contain_text("hana")
    expect(history).to_contain_text("kenji")
    expect(history).to_contain_text("2.500")
    expect(history).to_contain_text("3.000")
    kenji.screenshot(path=artifacts / "history.png", full_page=True)
    for context in contexts:
        context.close()


def test_an_import_previews_what_it_creates_and_the_editor_names_the_new_issue(
    page: Page, site, tmp_path
):
    make_editor("hana")
    log_in(page, site, "hana")
    path = tmp_path / "round-11.csv"
    path.write_text(
        "negotiation,round,round_date,party,speaker,issue,stance,target_rate_pct,statement,"
        "source_url,source_title,source_publisher,published_on,confidence\n"
        "japan-us-2025,11,2025-10-01,JPN,Ryosei Akazawa,chips,demand,,Asked for chip "
        "tariff relief.,https://news.example.org/chips,Chips,Example News,,reported\n"
    )
    page.goto(f"{site}/admin/negotiations/statedposition/")
    page.get_by_role("link", name="Import").click()
    expect(page.locator(".csv-format")).to_contain_text("one of: eliminate, reduce")

    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Preview the import").click()

    expect(page.locator(".csv-import-related").first).to_contain_text(
        "round 11 of japan-us-2025 (2025-10-01): Ryosei Akazawa attended"
    )
    page.fill("input[name='issue_name:japan-us-2025:chips']", "Semiconductors")
    page.get_by_role("button", name="Confirm import").click()

    expect(page.locator(".messagelist .success")).to_contain_text(
        "Imported round-11.csv: 1 position created"
    )
    round_11 = TalkRound.objects.get(negotiation__slug="japan-us-2025", number=11)
    assert round_11.positions.get().issue.name == "Semiconductors"
    page.goto(f"{site}/changes/?negotiation=japan-us-2025")
    expect(page.locator(".change-set").first).to_contain_text("hana imported round-11.csv")


@pytest.mark.parametrize("width", [LAPTOP["width"], PHONE["width"]])
def test_recent_changes_fit_a_laptop_and_a_phone(page: Page, site, artifacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site}/changes/?negotiation=japan-us-2025")

    expect(page.locator("main h1")).to_have_text(
        "Recent changes to the Japan–U.S. tariff talks 2025"
    )
    page.screenshot(path=artifacts / f"changes-{width}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [LAPTOP["width"], PHONE["width"]])
def test_the_import_page_and_its_format_fit_a_laptop_and_a_phone(
    page: Page, site, artifacts, width
):
    make_editor("hana")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "hana")
    page.goto(f"{site}/admin/negotiations/statedposition/import/")

    expect(page.locator("table.csv-format")).to_contain_text("source_url")
    page.screenshot(path=artifacts / f"import-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_large_import_runs_in_the_background_with_a_progress_bar(
    page: Page, site, tmp_path, settings, monkeypatch, artifacts
):
    settings.CSV_IMPORT_BACKGROUND_ROWS = 5  # a few thousand by default
    make_editor("hana")
    log_in(page, site, "hana")
    path = tmp_path / "round-12.csv"
    path.write_text(
        "negotiation,round,round_date,party,speaker,issue,stance,target_rate_pct,statement,"
        "source_url,source_title,source_publisher,published_on,confidence\n"
        + "".join(
            f"japan-us-2025,12,2025-11-01,JPN,,autos,demand,,Statement {n}.,,,,,reported\n"
            for n in range(12)
        )
    )
    page.set_viewport_size(LAPTOP)
    page.goto(f"{site}/admin/negotiations/statedposition/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator(".csv-import-summary")).to_contain_text("12 positions to create")
    page.get_by_role("button", name="Confirm import").click()

    # The request only queued it: a progress bar, waiting for the worker.
    expect(page.locator(".csv-import-stage")).to_contain_text("Waiting for a worker")
    expect(page.locator("progress.csv-import-bar")).to_be_visible()
    progress_url = page.url
    page.screenshot(path=artifacts / "import-progress-waiting.png")
    assert not TalkRound.objects.filter(negotiation__slug="japan-us-2025", number=12).exists()

    # The worker (`manage.py db_worker`, which `make run` starts) runs it; the page, polling,
    # shows the result without a reload.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    expect(page.locator(".csv-import-outcome")).to_contain_text(
        "Imported round-12.csv: 12 positions created, 0 updated, 0 unchanged; also 1 round created."
    )
    assert page.url == progress_url
    assert (
        StatedPosition.objects.filter(round__number=12, statement__startswith="Statement").count()
        == 12
    )
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts / "import-progress-done-phone.png", full_page=True)
