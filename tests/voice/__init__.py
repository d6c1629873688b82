import pytest

# The monthly topic's shared fixtures are a plugin module its tests also import helpers from.
pytest.register_assert_rewrite("tests.voice.topic_fixtures")
