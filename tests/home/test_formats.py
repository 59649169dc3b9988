import datetime as dt

from django.template import Context, Template
from django.utils import translation


def render(text: str, **context) -> str:
    return Template("{% load bookday %}" + text).render(Context(context))


def test_money_is_written_the_vietnamese_way():
    with translation.override("vi"):
        assert render("{{ price|vnd }}", price=85000) == "85.000\u00a0₫"
        assert render("{{ price|vnd }}", price=1500000) == "1.500.000\u00a0₫"
        assert render("{{ price|vnd }}", price=None) == ""


def test_large_numbers_are_grouped_by_language():
    with translation.override("vi"):
        assert render("{{ n|grouped }}", n=1500000) == "1.500.000"
    with translation.override("en"):
        assert render("{{ n|grouped }}", n=1500000) == "1,500,000"


def test_dates_and_times_use_day_month_year():
    with translation.override("vi"):
        out = Template('{{ d|date:"SHORT_DATE_FORMAT" }} {{ t|time:"TIME_FORMAT" }}').render(
            Context({"d": dt.date(2026, 4, 18), "t": dt.time(8, 30)})
        )
        assert out == "18/04/2026 08:30"


def test_json_ld_cannot_break_out_of_its_script_tag():
    out = render("{{ data|json_ld }}", data={"name": "</script><script>alert(1)</script>"})
    assert out.count("</script>") == 1
    assert "\\u003C/script\\u003E" in out
