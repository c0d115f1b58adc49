from kehoach.accounts import access
from kehoach.web.conditional import request_unread


def navigation(request):
    """What the navigation shows: the review link only to those who may review.

    An error page may be drawn before the user is known (a bad Host header answers 400 before
    the authentication middleware runs): no user, no links."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "review": access.may(user, access.REVIEW_REPORT),
            "unread": request_unread(request),
        }
    }
