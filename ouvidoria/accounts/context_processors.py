from typing import Any

from django.http import HttpRequest

from ouvidoria.accounts.access import access_for
from ouvidoria.inbox.selectors import UNREAD_SHOWN_MAX, unread_count


def access(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    granted = access_for(user)
    return {
        "access": granted,
        "can_register": granted.can("register"),
        "can_indicators": granted.can("indicators"),
        "can_reports": granted.can("reports"),
        "can_audit": granted.can("audit"),
        "can_retention": granted.can("retention"),
        # Called only where a page shows the header's bell (templates call callables): one COUNT then.
        "inbox_unread": lambda: unread_count(user),
        "inbox_unread_max": UNREAD_SHOWN_MAX,
    }
