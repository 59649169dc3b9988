"""Demo publishers: 24 exhibitors, about 5,000 titles with valid 978-604 ISBNs, and their stock.

Idempotent like the rest of the seed: publishers are found by tax code, exhibitors by event and
publisher, and titles and listings are written (in bulk, for speed) only for a publisher or an
exhibitor that has none yet. Random choices come from seeded generators, so every run builds
the same catalogue.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum import ean
from stdnum.vn import mst

from publishers.enums import ApplicationStatus, BoothSize, Language, OrganisationType
from publishers.models import (
    Category,
    Exhibitor,
    ExhibitorApplication,
    Publisher,
    PublisherUser,
    StockListing,
    Title,
)

PUBLISHER_LOGIN = "nxb-demo"  # a Kim Đồng staff member in the portal; password: home.demo.DEMO_PASSWORD
TOTAL_TITLES = 5000

P, D, B, L = (
    OrganisationType.PUBLISHING_HOUSE,
    OrganisationType.DISTRIBUTOR,
    OrganisationType.BOOKSHOP,
    OrganisationType.LIBRARY,
)
# fmt: off
# name, type, booths, share of the titles, categories it is strong in, website
EXHIBITORS = [
    ("NXB Kim Đồng", P, "A1, A2", 9, ["thieu-nhi", "truyen-tranh"], "https://nxbkimdong.com.vn"),
    ("NXB Trẻ", P, "A3, A4", 8, ["van-hoc", "thieu-nhi", "ky-nang-song"], "https://www.nxbtre.com.vn"),
    ("NXB Tổng hợp Thành phố Hồ Chí Minh", P, "A5", 6, ["van-hoc", "lich-su", "van-hoa-du-lich"], ""),
    ("NXB Giáo dục Việt Nam", P, "A6, A7", 8, ["giao-khoa", "ngoai-ngu", "khoa-hoc"], ""),
    ("NXB Văn học", P, "A8", 5, ["van-hoc"], ""),
    ("NXB Hội Nhà văn", P, "A9", 5, ["van-hoc"], ""),
    ("NXB Phụ nữ Việt Nam", P, "A10", 4, ["ky-nang-song", "van-hoc", "thieu-nhi"], ""),
    ("NXB Chính trị quốc gia Sự thật", P, "A11", 3, ["lich-su", "kinh-te"], ""),
    ("NXB Lao Động", P, "A12", 4, ["kinh-te", "ky-nang-song"], ""),
    ("NXB Thế Giới", P, "B1", 4, ["van-hoc", "van-hoa-du-lich", "khoa-hoc"], ""),
    ("NXB Đại học Quốc gia Hà Nội", P, "B2", 3, ["khoa-hoc", "ngoai-ngu", "giao-khoa"], ""),
    ("NXB Khoa học xã hội", P, "B3", 2, ["lich-su", "van-hoa-du-lich"], ""),
    ("NXB Thanh Niên", P, "B4", 3, ["ky-nang-song", "van-hoc"], ""),
    ("Công ty Cổ phần Sách Alpha", D, "C1, C2", 6, ["kinh-te", "ky-nang-song", "lich-su"], "https://alphabooks.vn"),
    ("Công ty Cổ phần Văn hóa và Truyền thông Nhã Nam", D, "C3, C4", 7, ["van-hoc", "khoa-hoc"], "https://nhanam.vn"),
    ("Công ty Cổ phần Sách Thái Hà", D, "C5", 4, ["ky-nang-song", "kinh-te"], ""),
    ("Công ty TNHH Văn hóa Đông A", D, "C6", 3, ["van-hoc", "van-hoa-du-lich"], ""),
    ("Công ty Cổ phần Văn hóa Phương Nam", D, "C7", 4, ["van-hoc", "thieu-nhi", "ngoai-ngu"], ""),
    ("Công ty TNHH Sách Đinh Tị", D, "C8", 4, ["thieu-nhi", "giao-khoa"], ""),
    ("Công ty Cổ phần Sách Omega Việt Nam", D, "C9", 3, ["khoa-hoc", "lich-su"], ""),
    ("Fahasa – Công ty Cổ phần Phát hành sách TP.HCM", B, "D1, D2", 7, ["ngoai-ngu", "thieu-nhi", "kinh-te"], "https://www.fahasa.com"),
    ("Nhà sách Tiền Phong", B, "D3", 3, ["giao-khoa", "ngoai-ngu"], ""),
    ("Công ty Cổ phần Sách và Thiết bị Bắc Ninh", B, "D4", 2, ["giao-khoa", "thieu-nhi"], ""),
    ("Thư viện tỉnh Bắc Ninh", L, "E1", 1, ["lich-su", "van-hoa-du-lich"], ""),
]
# Applications still waiting for the organisers, so the review screen has work to show.
PENDING = [
    ("Công ty TNHH Sách Cá Chép", D, BoothSize.STANDARD),
    ("Nhà sách Hà Nội Xanh", B, BoothSize.SMALL),
]

CATEGORIES = {
    "van-hoc": "Văn học",
    "thieu-nhi": "Thiếu nhi",
    "truyen-tranh": "Truyện tranh",
    "kinh-te": "Kinh tế",
    "ky-nang-song": "Kỹ năng sống",
    "lich-su": "Lịch sử",
    "khoa-hoc": "Khoa học",
    "giao-khoa": "Giáo khoa",
    "ngoai-ngu": "Ngoại ngữ",
    "van-hoa-du-lich": "Văn hóa – Du lịch",
}

# Title word lists per category: "{first} {second}" reads like a real Vietnamese title.
WORDS = {
    "van-hoc": (
        ["Những ngày", "Mùa", "Con đường", "Câu chuyện", "Bí mật", "Hành trình", "Ký ức", "Giấc mơ",
         "Tiếng gọi", "Ngôi nhà", "Dòng sông", "Bầu trời", "Cánh đồng", "Chuyến tàu", "Lá thư",
         "Khu vườn", "Ngọn đèn", "Bến đò", "Góc phố", "Đường xưa"],
        ["tuổi thơ", "quê hương", "mùa hạ", "không tên", "phía trước", "năm ấy", "của mẹ", "xanh",
         "bình yên", "Hà Nội", "Sài Gòn", "Kinh Bắc", "biển cả", "trên đồi", "thầm lặng",
         "đầu tiên", "cuối cùng", "của gió", "mùa thu", "mây trắng"],
    ),
    "thieu-nhi": (
        ["Chú mèo", "Thỏ con", "Gấu nhỏ", "Chú ếch", "Cô bé", "Cậu bé", "Voi con", "Chim sẻ",
         "Bạn Sóc", "Chú khủng long", "Dế Mèn", "Vịt con"],
        ["đi học", "tìm bạn", "và cầu vồng", "dũng cảm", "học đếm", "đi lạc", "và chiếc ô đỏ",
         "thích đọc sách", "ở thành phố", "và ngôi sao", "phiêu lưu ký", "đón Tết"],
    ),
    "truyen-tranh": (
        ["Thần đồng đất Việt", "Thám tử nhí", "Siêu nhân lớp 5", "Biệt đội rồng", "Cô bé phù thủy",
         "Hiệp sĩ mèo", "Truyện tranh lịch sử Việt Nam", "Học viện phép thuật"],
        [f"tập {n}" for n in range(1, 25)],
    ),
    "kinh-te": (
        ["Quản trị", "Đầu tư", "Khởi nghiệp", "Tài chính cá nhân", "Marketing", "Kinh tế học",
         "Bán hàng", "Lãnh đạo", "Chiến lược", "Thương mại điện tử", "Kế toán", "Chứng khoán"],
        ["căn bản", "cho người mới bắt đầu", "trong thời đại số", "thông minh", "bền vững",
         "thực chiến", "tinh gọn", "toàn cầu", "qua 50 tình huống", "từ con số 0"],
    ),
    "ky-nang-song": (
        ["Nghệ thuật", "Sức mạnh của", "Bí quyết", "Thói quen", "Tư duy", "Học cách", "Đánh thức"],
        ["lắng nghe", "giao tiếp", "tập trung", "sống chậm", "tích cực", "tự học",
         "quản lý thời gian", "hạnh phúc", "đọc sách hiệu quả", "thấu cảm", "làm chủ cảm xúc"],
    ),
    "lich-su": (
        ["Lịch sử", "Biên niên", "Những trận đánh", "Nhân vật", "Văn hóa", "Kinh thành",
         "Triều đại", "Danh tướng"],
        ["nhà Lý", "nhà Trần", "nhà Nguyễn", "Thăng Long", "Kinh Bắc", "Đông Sơn", "Đại Việt",
         "Phú Xuân", "Champa", "Óc Eo", "thời Hùng Vương", "Lê sơ"],
    ),
    "khoa-hoc": (
        ["Vũ trụ", "Sinh học", "Vật lý", "Hóa học", "Trí tuệ nhân tạo", "Toán học", "Khí hậu",
         "Đại dương", "Bộ não", "Di truyền"],
        ["kỳ thú", "cho mọi người", "qua các con số", "và cuộc sống", "trong 100 câu hỏi",
         "nhập môn", "đời thường", "từ A đến Z"],
    ),
    "giao-khoa": (
        ["Toán", "Tiếng Việt", "Ngữ văn", "Khoa học tự nhiên", "Lịch sử và Địa lí", "Tin học",
         "Tiếng Anh", "Âm nhạc", "Mĩ thuật", "Giáo dục công dân", "Vở bài tập Toán", "Công nghệ"],
        [f"{grade} tập {part}" for grade in range(1, 13) for part in (1, 2)],
    ),
    "ngoai-ngu": (
        ["Tiếng Anh", "Tiếng Nhật", "Tiếng Hàn", "Tiếng Trung", "Tiếng Pháp", "Tiếng Đức"],
        ["giao tiếp hằng ngày", "cho người mới bắt đầu", "qua hình ảnh", "3000 từ vựng",
         "ngữ pháp căn bản", "luyện thi", "du lịch", "thương mại"],
    ),
    "van-hoa-du-lich": (
        ["Du lịch", "Ẩm thực", "Lễ hội", "Làng nghề", "Đình chùa", "Phố cổ", "Dân ca"],
        ["Bắc Ninh", "Hà Nội", "Huế", "Hội An", "Tây Bắc", "miền Tây", "Quan họ", "ba miền"],
    ),
}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Thu", "Quang", "Bảo", "Hoài", "Nhật"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hương", "Khoa", "Lan", "Long", "Mai",
         "Nam", "Ngân", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Uyên", "Vy",
         "Yến", "Đường", "Ưng"]
IMPRINTS = ["NXB Lao Động", "NXB Thế Giới", "NXB Hội Nhà văn", "NXB Văn học", "NXB Thanh Niên",
            "NXB Dân Trí", "NXB Công Thương", "NXB Hà Nội"]
# List prices in thousands of đồng, by category: textbooks cheap, business books dear.
PRICES = {"giao-khoa": (12, 45), "thieu-nhi": (25, 120), "truyen-tranh": (20, 45), "default": (69, 350)}
# fmt: on


@dataclass
class Seeded:
    titles: int = 0
    listings: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)


def tax_code(n: int) -> str:
    """A valid mã số thuế, different for each n < 1,000,000."""
    for block in range(10):
        body = f"03{block * 1_000_000 + n:07d}"
        check = mst.calc_check_digit(body)
        if len(check) == 1:  # some bodies have no valid check digit ("10"): take the next block
            return body + check
    raise ValueError(n)


def isbn(publisher_index: int, n: int) -> str:
    """978-604 (Vietnam), a registrant number per publisher, a title number, the check digit."""
    body = f"978604{publisher_index:02d}{n:04d}"
    return body + ean.calc_check_digit(body)


def seed_publishers(current) -> Seeded:
    """The 24 exhibitors of ``current`` with their titles and stock; most of them, with part of
    their titles, at the event before it; a publisher login for the portal."""
    from events.models import EventPage

    last_year = EventPage.objects.filter(start_date__lt=current.start_date).order_by("-start_date").first()
    seeded = Seeded()
    categories = {
        slug: Category.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in CATEGORIES.items()
    }
    shares = sum(spec[3] for spec in EXHIBITORS)
    counts = [round(TOTAL_TITLES * spec[3] / shares) for spec in EXHIBITORS]
    counts[0] += TOTAL_TITLES - sum(counts)  # rounding: exactly TOTAL_TITLES in all
    now = timezone.now()
    for index, (name, kind, booths, _share, strong, website) in enumerate(EXHIBITORS, start=1):
        publisher = _publisher(index, name, kind, website)
        seeded.titles += _titles(publisher, index, counts[index - 1], strong, categories)
        application, _ = ExhibitorApplication.objects.get_or_create(
            event=current,
            tax_code=publisher.tax_code,
            defaults={
                **_application_fields(publisher, index),
                "status": ApplicationStatus.APPROVED,
                "booths": booths,
                "decided_at": now,
            },
        )
        stand, _ = Exhibitor.objects.get_or_create(
            event=current, publisher=publisher, defaults={"booths": booths, "application": application}
        )
        seeded.listings += _listings(stand, random.Random(index), sold_share=0.2)
        if last_year is not None and index % 4:  # three in four came last year too
            old, _ = Exhibitor.objects.get_or_create(
                event=last_year, publisher=publisher, defaults={"booths": booths}
            )
            seeded.listings += _listings(old, random.Random(100 + index), sold_share=0.6, every=3)
    for n, (name, kind, size) in enumerate(PENDING, start=len(EXHIBITORS) + 1):
        ExhibitorApplication.objects.get_or_create(
            event=current,
            tax_code=tax_code(n),
            defaults={
                **_application_fields(None, n),
                "organisation_name": name,
                "kind": kind,
                "booth_size": size,
            },
        )
    seeded.logins.append((PUBLISHER_LOGIN, _publisher_login(Publisher.objects.get(tax_code=tax_code(1)))))
    return seeded


def _publisher(index: int, name: str, kind: str, website: str) -> Publisher:
    publisher = Publisher.objects.filter(tax_code=tax_code(index)).first()
    if publisher:
        return publisher
    return Publisher.objects.create(
        name=name,
        kind=kind,
        tax_code=tax_code(index),
        contact_name=_person(random.Random(index)),
        email=f"hoisach{index}@example.vn",
        phone=f"+8424{3940_0000 + index:08d}",
        address=f"Số {index * 7} phố Tràng Tiền, Hoàn Kiếm, Hà Nội",
        website=website,
        description=f"{name} tham gia Ngày Sách với các đầu sách mới nhất và giá ưu đãi.",
    )


def _application_fields(publisher: Publisher | None, index: int) -> dict:
    rng = random.Random(index)
    return {
        "publisher": publisher,
        "organisation_name": publisher.name if publisher else "",
        "kind": publisher.kind if publisher else OrganisationType.OTHER,
        "contact_name": _person(rng),
        "email": f"hoisach{index}@example.vn",
        "phone": f"+8491{2000_000 + index:07d}",
        "address": f"Số {index * 7} phố Tràng Tiền, Hoàn Kiếm, Hà Nội",
        "website": publisher.website if publisher else "",
        "booth_size": BoothSize.STANDARD,
        "expected_titles": 200,
        "expected_copies": 60_000,
        "consent_at": timezone.now(),
    }


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _titles(publisher: Publisher, index: int, count: int, strong: list[str], categories: dict) -> int:
    if Title.objects.filter(publisher=publisher).exists():
        return 0
    rng = random.Random(1000 + index)
    own_imprint = publisher.kind == OrganisationType.PUBLISHING_HOUSE
    titles = []
    for n in range(count):
        slug = rng.choice(strong) if rng.random() < 0.8 else rng.choice(list(CATEGORIES))
        first, second = WORDS[slug]
        low, high = PRICES.get(slug, PRICES["default"])
        list_price = rng.randint(low, high) * 1000
        discount = rng.choice([10, 15, 20, 25, 30])
        title = Title(
            publisher=publisher,
            isbn=isbn(index, n),
            title=f"{rng.choice(first)} {rng.choice(second)}",
            authors=_authors(rng, slug),
            imprint=publisher.name if own_imprint else rng.choice(IMPRINTS),
            year=rng.randint(2012, timezone.localdate().year),
            category=categories[slug],
            language=Language.BILINGUAL if slug == "ngoai-ngu" else Language.VIETNAMESE,
            list_price=list_price,
            # A fifth of the titles give a discount instead of a price: the fair price is computed.
            fair_price=None if n % 5 == 0 else round(list_price * (100 - discount) / 100, -3),
            discount_percent=discount if n % 5 == 0 else None,
        )
        title.fill_search_fields()  # bulk_create does not call save()
        titles.append(title)
    Title.objects.bulk_create(titles, batch_size=1000)
    return len(titles)


def _authors(rng: random.Random, slug: str) -> str:
    if slug == "giao-khoa":
        return "Nhiều tác giả"
    people = [_person(rng) for _ in range(1 if rng.random() < 0.8 else 2)]
    return ", ".join(people)


def _listings(stand: Exhibitor, rng: random.Random, *, sold_share: float, every: int = 1) -> int:
    """Copies of the publisher's titles at the exhibitor's booth: 80 to 580 each (about 330 on
    average, so 5,000 titles make more than 1.5 million copies), part of them sold."""
    if stand.listings.exists():
        return 0
    title_ids = list(
        Title.objects.filter(publisher=stand.publisher).order_by("pk").values_list("pk", flat=True)
    )
    listings = []
    for title_id in title_ids[::every]:
        copies = rng.randint(80, 580)
        listings.append(
            StockListing(
                exhibitor=stand,
                title_id=title_id,
                copies=copies,
                copies_sold=rng.randint(0, int(copies * sold_share)),
            )
        )
    StockListing.objects.bulk_create(listings, batch_size=1000)
    return len(listings)


def _publisher_login(publisher: Publisher) -> str:
    from home.demo import DEMO_PASSWORD

    user, created = get_user_model().objects.get_or_create(
        username=PUBLISHER_LOGIN,
        defaults={"first_name": "Lê Thu Hà", "email": f"{PUBLISHER_LOGIN}@bookday.local"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    PublisherUser.objects.get_or_create(user=user, defaults={"publisher": publisher})
    return f"publisher portal, {publisher.name}"
