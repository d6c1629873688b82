"""Shared fixtures of the facilities tests: ``world`` (tests/conftest.py) gives the places and
the people; ``factories.make_facility`` the facilities. Each part keeps its own helpers in
its own module (``tests/facilities/<part>_helpers.py``)."""
