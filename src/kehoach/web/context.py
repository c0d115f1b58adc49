from kehoach.accounts import access


def navigation(request):
    """What the navigation shows: the review link only to those who may review."""
    user = request.user
    if not user.is_authenticated:
        return {"nav": {}}
    return {"nav": {"review": access.may(user, access.REVIEW_REPORT)}}
