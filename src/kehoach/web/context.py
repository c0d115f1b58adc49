from kehoach.accounts import access
from kehoach.accounts.models import Role


def navigation(request):
    """What the navigation shows: the review link only to the lead office and admins."""
    user = request.user
    if not user.is_authenticated:
        return {"nav": {}}
    mine = access.roles(user)
    return {"nav": {"review": bool(mine & {Role.LEAD_OFFICE, Role.ADMIN})}}
