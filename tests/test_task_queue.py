"""The Redis task queue reuses its connections (a new one per job cost ~2 ms per registration)."""

from tests.test_settings import GOOD_KEY, run

CODE = """
import django
django.setup()
import django_rq
from django.core.cache import caches
first, second = django_rq.get_connection("default"), django_rq.get_queue("default").connection
kwargs = first.connection_pool.connection_kwargs
shared = getattr(caches["default"], "_client", None) is first
same = (first.connection_pool is second.connection_pool, first is second, shared)
print(*same, kwargs["host"], kwargs["port"], kwargs["db"])
"""
PRODUCTION = {
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "example.org",
    "DATABASE_URL": "postgres://u:p@db.example.org/bookday",
}


def connections(**env) -> list[str]:
    result = run(CODE, "bookday.settings.production", **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_with_redis_the_queue_reuses_the_cache_client():
    assert connections(REDIS_URL="redis://cache.example.org:6380/3") == [
        "True",
        "True",
        "True",
        "cache.example.org",
        "6380",
        "3",
    ]


def test_a_queue_without_a_redis_cache_shares_one_connection_pool():
    pool, _, shared, *address = connections(TASK_QUEUE="redis")
    assert (pool, shared, address) == ("True", "False", ["127.0.0.1", "6379", "0"])


def test_the_plain_worker_command_runs_jobs_as_django_tasks():
    code = (
        "import django; django.setup()\n"
        "from django_rq.jobs import get_job_class\n"
        "from django_tasks_rq.backend import Job\n"
        "print(get_job_class() is Job)"
    )
    result = run(code, "bookday.settings.production", **PRODUCTION, REDIS_URL="redis://cache.example.org/1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "True"  # `manage.py rqworker default` as the README says


def test_on_redis_a_registration_queues_its_email_and_a_worker_sends_it(event, redis_cache, monkeypatch):
    """The real queue: the email job goes to Redis with the registration, and a worker sends it."""
    import os

    from django.core import mail
    from django.test import override_settings
    from django_tasks_rq.backend import Job
    from rq import Queue, SimpleWorker
    from rq.job import Job as RQJob

    from tests.conftest import TEST_REDIS_URL
    from tests.factories import register_visitor

    # Queues and jobs under this process's own names, so that runs side by side never take
    # each other's jobs.
    monkeypatch.setattr(Queue, "redis_queue_namespace_prefix", f"rq:test-{os.getpid()}:queue:")
    monkeypatch.setattr(RQJob, "redis_job_namespace_prefix", f"rq:test-{os.getpid()}:job:")
    with override_settings(
        RQ_QUEUES={"default": {"URL": TEST_REDIS_URL}},
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    ):
        import django_rq

        queue = django_rq.get_queue("default", job_class=Job)
        queue.empty()
        registration = register_visitor(event, email="queued@example.vn").registration
        assert mail.outbox == [] and queue.count == 1  # waiting on Redis, not sent in the request

        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)

        assert queue.count == 0
        assert [message.to for message in mail.outbox] == [["queued@example.vn"]]
        registration.refresh_from_db()
        assert registration.email_sent_at is not None
        queue.empty()
