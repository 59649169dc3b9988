"""The Redis task queue reuses its connections (a new one per job cost ~2 ms per registration)."""

from tests.test_settings import GOOD_KEY, run

CODE = """
import django
django.setup()
import django_rq
first, second = django_rq.get_connection("default"), django_rq.get_queue("default").connection
kwargs = first.connection_pool.connection_kwargs
print(first.connection_pool is second.connection_pool, kwargs["host"], kwargs["port"], kwargs["db"])
"""


def test_every_enqueue_shares_one_connection_pool():
    result = run(
        CODE,
        "bookday.settings.production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="postgres://u:p@db.example.org/bookday",
        REDIS_URL="redis://cache.example.org:6380/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "cache.example.org", "6380", "3"]
