from kehoach.accounts import access
from kehoach.accounts.models import Role


def navigation(request):
    """What the navigation shows: the review link only to the lead office and admins.

    An error page may be drawn before the user is known (a bad Host header answers 400 before
    the authentication middleware runs): no user, no links."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    mine = access.roles(user)
    return {"nav": {"review": bool(mine & {Role.LEAD_OFFICE, Role.ADMIN})}}
