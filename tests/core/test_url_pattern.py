"""url_pattern: one url_for for a list of rows gives each row the same URL url_for would."""
from __future__ import annotations

import pytest
from flask import url_for

from eduflow.templating import url_pattern


@pytest.mark.parametrize("ident", [1, 42, 1_987_654_320, 2_000_000_000])
def test_a_pattern_gives_every_id_the_url_url_for_gives(app, ident):
    with app.test_request_context():
        move = url_pattern("leads.move", "lead_id", owner=1_987_654_321, q="王 1")  # the marker's digits in a value
        assert move(ident) == url_for("leads.move", lead_id=ident, owner=1_987_654_321, q="王 1")
        assert url_pattern("leads.detail", "lead_id")(ident) == url_for("leads.detail", lead_id=ident)


def test_an_id_is_printed_as_a_number_and_a_key_outside_the_path_is_refused(app):
    with app.test_request_context():
        with pytest.raises(ValueError):
            url_pattern("leads.detail", "lead_id")("1/../../admin")
        with pytest.raises(ValueError):
            url_pattern("leads.board", "page")
