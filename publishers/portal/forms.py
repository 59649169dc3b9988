"""Portal forms: format checks and the publisher's own choices only; the rules live in
publishers.services.titles (and the import service)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bookday.validators import guard_text_fields, web_image
from publishers.enums import Language
from publishers.models import Category, Title
from publishers.validators import isbn_search_form, normalize_isbn, parse_vnd


class PortalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # no colon after labels, like the rest of the site
        super().__init__(*args, **kwargs)
        guard_text_fields(self)


class PriceField(forms.Field):
    """A price in đồng as people type it: "85.000", "85000đ", "85,000 VNĐ"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "placeholder": "85.000", "size": 12, "maxlength": 30}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "").strip()[:30]
        if text.startswith("-"):
            raise ValidationError(_("A price cannot be negative."), code="price_negative")
        return parse_vnd(text)


class ProfileForm(PortalForm):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    contact_name = forms.CharField(
        label=_("Contact person"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "024 3943 4730"}
        ),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    website = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown to visitors in the fair's list of exhibitors."),
    )
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 2 MB."),
        validators=[web_image],
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class TitleForm(PortalForm):
    isbn = forms.CharField(
        label=_("ISBN"),
        max_length=20,
        required=False,
        help_text=_("ISBN-13 or ISBN-10, with or without hyphens. Leave empty for a book without ISBN."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "978-604-…"}),
    )
    sku = forms.CharField(
        label=_("Your SKU"),
        max_length=40,
        required=False,
        help_text=_("Your own code, for a book without ISBN."),
    )
    title = forms.CharField(label=_("Book title"), max_length=300)
    authors = forms.CharField(label=_("Authors"), max_length=300, required=False)
    imprint = forms.CharField(label=_("Imprint"), max_length=200, required=False)
    year = forms.IntegerField(
        label=_("Publication year"),
        required=False,
        min_value=1800,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("— none —")
    )
    new_category = forms.CharField(
        label=_("Or a new category"),
        max_length=80,
        required=False,
        help_text=_("Type a name if the category is not in the list."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.VIETNAMESE)
    list_price = PriceField(label=_("List price (đồng)"))
    fair_price = PriceField(label=_("Fair price (đồng)"), help_text=_("Or enter a discount below."))
    discount_percent = forms.IntegerField(
        label=_("Fair discount (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    cover = forms.ImageField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 2 MB."),
        validators=[web_image],
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def clean_isbn(self):
        value = self.cleaned_data["isbn"].strip()
        return normalize_isbn(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("isbn") and not cleaned.get("sku"):
            self.add_error("isbn", _("Enter the ISBN, or a SKU of your own for a book without ISBN."))
        return cleaned

    @classmethod
    def initial_for(cls, title: Title) -> dict:
        initial = {name: getattr(title, name) for name in cls.base_fields if hasattr(title, name)}
        initial["category"] = title.category_id
        initial["cover"] = title.cover
        for name in ("list_price", "fair_price"):
            initial[name] = "" if initial[name] is None else f"{initial[name]:,}".replace(",", ".")
        return initial


class StockForm(PortalForm):
    copies = forms.IntegerField(
        label=_("Copies brought to the fair"),
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Every copy on display or in reserve, sold ones included."),
    )
    copies_sold = forms.IntegerField(
        label=_("Copies sold so far"),
        min_value=0,
        max_value=1_000_000,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    booth = forms.CharField(
        label=_("Booth"),
        max_length=20,
        required=False,
        help_text=_("Leave empty for your exhibitor booth."),
    )


class AddStockForm(StockForm):
    """Add a title to the stock by its ISBN (any spelling) or SKU, among the publisher's titles."""

    code = forms.CharField(
        label=_("ISBN or SKU of the title"),
        max_length=40,
        help_text=_("The title must be in your list of titles first."),
    )
    field_order = ["code", "copies", "copies_sold", "booth"]

    def __init__(self, *args, titles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.titles = titles  # the publisher's titles: the only ones this form can find

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        isbn = isbn_search_form(code)
        title = (self.titles.filter(isbn=isbn).first() if isbn else None) or self.titles.filter(
            sku__iexact=code
        ).first()
        if title is None:
            raise ValidationError(
                _("No title with this ISBN or SKU in your list: add it under “My titles” first."),
                code="unknown_title",
            )
        self.cleaned_data["title"] = title
        return code


class ImportForm(PortalForm):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX, XLS, ODS or CSV)"),
        help_text=_("The first row holds the column names, in Vietnamese or English."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv,text/csv"}),
    )
