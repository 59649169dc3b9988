"""Who may do what at the gates (read rules, no writes)."""

from home.groups import GATE_STAFF, ORGANISERS


def can_scan(user) -> bool:
    """Gate staff and organisers use the scanner and its API; nobody else."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name__in=[GATE_STAFF, ORGANISERS]).exists()


def is_organiser(user) -> bool:
    """Organisers (and superusers) see the event's figures; gate staff and publishers do not."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=ORGANISERS).exists()
