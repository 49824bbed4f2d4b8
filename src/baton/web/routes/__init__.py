"""One module per page (``router`` and ``PAGE``), plus sign-in; listed in ``baton.web.app``."""
