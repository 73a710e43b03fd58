from .selectors import get_access_for_user


def roles(request):
    """Expose the signed-in user's access to templates (navigation only, never for scoping)."""
    return {"access": get_access_for_user(getattr(request, "user", None))}
