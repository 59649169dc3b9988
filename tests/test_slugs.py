import pytest

from bookday.text import fold, slugify_vi
from tests.factories import EventPageFactory, StandardPageFactory


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "Ngày sách và Văn hóa đọc Việt Nam tỉnh Bắc Ninh",
            "ngay-sach-va-van-hoa-doc-viet-nam-tinh-bac-ninh",
        ),
        ("Đường sách", "duong-sach"),
        ("ĐẶNG THỊ HƯƠNG", "dang-thi-huong"),
        ("Nguyễn Văn Ưng — ký tặng!", "nguyen-van-ung-ky-tang"),
        ("Sách & Đời sống 2026", "sach-doi-song-2026"),
    ],
)
def test_vietnamese_slugs_keep_every_letter(title, slug):
    assert slugify_vi(title) == slug


def test_slug_is_cut_at_a_word_boundary_without_trailing_dash():
    assert slugify_vi("Đường sách quê hương", max_length=12) == "duong-sach-q"
    assert not slugify_vi("Đường sách quê hương", max_length=11).endswith("-")


def test_fold_matches_without_accents():
    assert fold("Đường Sách") == fold("duong sach") == "duong sach"


def test_pages_get_vietnamese_slugs_automatically(home, event_index):
    page = EventPageFactory(
        parent=event_index, title="Ngày Sách và Văn hóa đọc Việt Nam tỉnh Bắc Ninh", slug=""
    )
    assert page.slug == "ngay-sach-va-van-hoa-doc-viet-nam-tinh-bac-ninh"
    about = StandardPageFactory(parent=home, title="Đường sách", slug="")
    assert about.slug == "duong-sach"
    assert about.url == "/duong-sach/"


def test_duplicate_titles_get_numbered_slugs(home):
    first = StandardPageFactory(parent=home, title="Đường sách", slug="")
    second = StandardPageFactory(parent=home, title="Đường sách", slug="")
    assert (first.slug, second.slug) == ("duong-sach", "duong-sach-2")


def test_admin_slug_field_transliterates_d_with_stroke(admin_client, home, event_index):
    """The admin fills the slug in the browser; its formatter maps đ/Đ before transliteration."""
    response = admin_client.get(f"/admin/pages/add/home/standardpage/{home.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-controller="w-slug"' in html
    assert "data-w-slug-formatters-value" in html
    assert "đ" in html and "Đ" in html
