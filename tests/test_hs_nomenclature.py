"""The HS nomenclature is reference data every database has after `migrate`."""

from tariffs.models import HSCode


def test_every_chapter_heading_and_subheading_of_hs_2022_is_loaded_with_its_parent(db):
    assert HSCode.objects.count() == 6939
    assert HSCode.objects.filter(code__regex=r"^[0-9]{2}$").count() == 97
    assert HSCode.objects.filter(parent=None).count() == 97
    # A code of the 2022 edition (e-waste), so not an older one.
    e_waste = HSCode.objects.get(code="8549")
    assert e_waste.description == "Electrical and electronic waste and scrap"
    rice = HSCode.objects.get(code="100630")
    assert (rice.parent.code, rice.parent.description, rice.parent.parent.code) == (
        "1006",
        "Rice",
        "10",
    )


def test_a_national_line_finds_the_chapter_heading_and_subheading_above_it(db):
    above = HSCode.objects.above("8703.23.10")
    assert [(code.code, code.level.label, code.dotted) for code in above] == [
        ("87", "chapter", "87"),
        ("8703", "heading", "87.03"),
        ("870323", "subheading", "8703.23"),
    ]
