"""Background work of the privacy pages."""

from django_tasks import task


@task()
def send_data_link(email: str) -> None:
    """Email a one-time link to the address's data, if it has any registration.

    The page only queues this: it answers alike, in the same time, for a known and an unknown
    address (the look-up would otherwise tell a stranger who registered).
    """
    from privacy.services.links import request_link

    request_link(email=email)
