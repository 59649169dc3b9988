"""Demo content for the site: home page, news, about/FAQ/contact pages, users.

Every function is idempotent: it looks things up by slug or name and creates only what is
missing, so running the seed twice changes nothing.
"""

import datetime as dt
import io
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Page, Site

from bookday.text import slugify_vi
from home import groups
from home.models import HomePage, NewsIndexPage, NewsPage, SiteDetails, StandardPage

DEMO_PASSWORD = "bookday"
DEMO_USERS = [
    # username, full name, group (None: superuser)
    ("admin", "Quản trị viên", None),
    ("bientap", "Trần Thu Hà", groups.EDITORS),
    ("soatve", "Nguyễn Văn Ưng", groups.GATE_STAFF),
]


def child(parent: Page, model, title: str, **fields):
    """The live child of ``parent`` with the slug of ``title``, created if missing."""
    slug = slugify_vi(title)
    existing = parent.get_children().filter(slug=slug).first()
    if existing:
        return existing.specific
    page = model(title=title, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def demo_image(title: str, seed: int) -> Image:
    """A generated picture of book spines (no network, no stock photos)."""
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    rng = random.Random(seed)
    width, height = 1200, 800
    picture = PILImage.new("RGB", (width, height), (13, 92, 78))
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        shade = int(30 * y / height)
        draw.line([(0, y), (width, y)], fill=(13 + shade, 92 - shade, 78 - shade // 2))
    palette = [(179, 65, 14), (255, 191, 71), (251, 247, 240), (36, 99, 160), (122, 44, 88), (64, 140, 90)]
    for shelf in range(3):
        base = 250 + shelf * 230
        draw.rectangle([60, base, width - 60, base + 12], fill=(74, 52, 34))
        x = 80
        while x < width - 120:
            w, h = rng.randint(26, 60), rng.randint(120, 190)
            draw.rectangle([x, base - h, x + w, base], fill=rng.choice(palette), outline=(29, 36, 48))
            draw.line([(x + 6, base - h + 18), (x + w - 6, base - h + 18)], fill=(29, 36, 48), width=2)
            x += w + rng.randint(2, 8)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=82)
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{slugify_vi(title)}.jpg"))


def seed_users(stdout=None) -> list[tuple[str, str]]:
    User = get_user_model()
    logins = []
    for username, full_name, group_name in DEMO_USERS:
        # Vietnamese names read family name first; Django joins first + last, so keep it whole.
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": full_name, "last_name": "", "email": f"{username}@bookday.local"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = group_name is None
            user.is_superuser = group_name is None
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
        logins.append((username, group_name or "superuser"))
    return logins


def seed_site() -> HomePage:
    """Home page as the default site's root, with news and the standing content pages."""
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title="Ngày Sách và Văn hóa đọc Việt Nam",
            hero_title="Ngày Sách và Văn hóa đọc Việt Nam tỉnh Bắc Ninh",
            hero_text=(
                "Ba ngày hội sách tại Thư viện tỉnh: hơn hai mươi nhà xuất bản và nhà phát hành, "
                "gặp gỡ tác giả, ra mắt sách mới và không gian đọc cho thiếu nhi. Vào cửa tự do, "
                "đăng ký trước để nhận vé vào cổng có mã QR."
            ),
            hero_image=demo_image("Kệ sách ngày hội", 1),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        # Wagtail's own placeholder page goes; the site serves the Book Day home page.
        Page.objects.filter(depth=2).exclude(pk=home.pk).filter(
            content_type__model="page", content_type__app_label="wagtailcore"
        ).delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Ngày Sách Bắc Ninh",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Ngày Sách Bắc Ninh"
        site.save()

    details = SiteDetails.for_site(Site.objects.get(is_default_site=True))
    # The privacy notice is generated from the settings and the events (privacy app, /privacy/).
    if not details.organiser:
        details.organiser = "Sở Văn hóa, Thể thao và Du lịch tỉnh Bắc Ninh"
        details.address = "Số 2 đường Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh"
        details.phone = "0222 3822 555"
        details.email = "ngaysach@bookday.local"
        details.save()
    if not details.report_national_name:
        details.report_parent_body = "UBND tỉnh Bắc Ninh"
        details.report_issuing_body = "Sở Văn hóa, Thể thao và Du lịch"
        details.report_national_name = "Cộng hòa xã hội chủ nghĩa Việt Nam"
        details.report_motto = "Độc lập - Tự do - Hạnh phúc"
        details.report_place = "Bắc Ninh"
        details.save()

    child(
        home,
        StandardPage,
        "Giới thiệu",
        show_in_menus=True,
        intro="Ngày Sách và Văn hóa đọc Việt Nam (21/4) là dịp tôn vinh giá trị của sách và "
        "lan tỏa thói quen đọc trong cộng đồng.",
        body=[
            (
                "paragraph",
                "<p>Mỗi năm, tỉnh tổ chức hội sách tại Thư viện tỉnh với các gian hàng "
                "của nhà xuất bản, nhà phát hành, thư viện và trường học; các buổi giao "
                "lưu tác giả, ra mắt sách và hoạt động đọc cho thiếu nhi.</p>",
            ),
            ("quote", {"text": "Sách mở ra trước mắt tôi những chân trời mới.", "author": "Maxim Gorky"}),
        ],
    )
    child(
        home,
        StandardPage,
        "Câu hỏi thường gặp",
        show_in_menus=True,
        body=[
            (
                "faq",
                {
                    "title": "",
                    "questions": [
                        {
                            "question": "Vào cửa có mất phí không?",
                            "answer": "<p>Không. Vào cửa tự do; đăng ký trước giúp bạn vào cổng "
                            "nhanh hơn.</p>",
                        },
                        {
                            "question": "Tôi đăng ký cho cả lớp học được không?",
                            "answer": "<p>Được. Chọn số người trong đoàn và ghi tên trường khi đăng ký.</p>",
                        },
                        {
                            "question": "Tôi làm mất vé thì sao?",
                            "answer": "<p>Dùng mục “Tìm lại vé” và nhập email: vé sẽ được gửi lại.</p>",
                        },
                    ],
                },
            ),
        ],
    )
    child(
        home,
        StandardPage,
        "Liên hệ",
        show_in_menus=True,
        body=[
            (
                "contact",
                {
                    "name": "Ban tổ chức Ngày Sách",
                    "address": "Thư viện tỉnh Bắc Ninh\nSố 2 đường Lý Thái Tổ, phường Kinh Bắc",
                    "phone": "0222 3822 555",
                    "email": "ngaysach@bookday.local",
                    "hours": "8:00–17:00, thứ Hai đến thứ Sáu",
                },
            ),
        ],
    )
    seed_news(home)
    return home


NEWS = [
    (
        "Khai mạc Ngày Sách và Văn hóa đọc năm nay",
        -1,
        "Lễ khai mạc diễn ra tại sân Thư viện tỉnh với sự tham gia của hơn hai mươi đơn vị xuất bản.",
    ),
    (
        "Hơn 1,5 triệu bản sách được trưng bày",
        -3,
        "Các nhà xuất bản mang tới hội sách hàng nghìn đầu sách mới, từ văn học đến sách thiếu nhi.",
    ),
    (
        "Mở đăng ký tham quan cho trường học",
        -10,
        "Các trường có thể đăng ký theo đoàn; mỗi đoàn nhận một vé QR cho cả lớp.",
    ),
    (
        "Gặp gỡ tác giả: lịch giao lưu ba ngày hội",
        -14,
        "Chương trình giao lưu, ký tặng và ra mắt sách được công bố trên trang sự kiện.",
    ),
]


def seed_news(home: HomePage) -> None:
    index = child(
        home,
        NewsIndexPage,
        "Tin tức",
        show_in_menus=True,
        intro="Tin mới về Ngày Sách và các hoạt động đọc trong tỉnh.",
    )
    today = timezone.localdate()
    for number, (title, days, intro) in enumerate(NEWS):
        child(
            index,
            NewsPage,
            title,
            date=today + dt.timedelta(days=days),
            intro=intro,
            image=demo_image(f"Ảnh tin {number + 1}", 10 + number),
            body=[
                (
                    "paragraph",
                    f"<p>{intro}</p><p>Ban tổ chức mời bạn đọc đến tham quan và "
                    "đăng ký trước để nhận vé vào cổng.</p>",
                )
            ],
        )
