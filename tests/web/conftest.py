"""The web fixtures: the application on the five-step engine and an API client. Pages are opened with
helpers.signed_in(app, user) (the login form, with the CSRF token) and the API with headers=auth(api, user).

A module that needs more in the engine (a department head, other settings) overrides ``engine`` building on it::

    @pytest.fixture
    def engine(engine):
        ...add the head...
        return engine

and ``app`` runs on what it returns."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.models import User
from web import create_app

from .helpers import api_client, set_passwords


@pytest.fixture
def engine(five_step_engine):
    """The engine under the application: the five-step engine (TEST-0001 and the test people)."""
    return five_step_engine


@pytest.fixture
def app(engine):
    """The web application (testing mode) on ``engine``; everyone in its database signs in with the demo password."""
    with engine.db.reading() as session:
        people = session.scalars(sa.select(User.id).order_by(User.id)).all()
    set_passwords(engine, *people)
    return create_app(shenpi=engine, testing=True)


@pytest.fixture
def api(app):
    """A test client of the application for the API: ``api.get(url, headers=auth(api, "clerk"))``."""
    return api_client(app)
