"""Shared fragments: a document carries exactly the fragments it spreads, and those they spread."""

from backend.api.contract import _with_fragments, client_operations

FRAGMENTS = {"A": "fragment A on T { x ...B }\n", "B": "fragment B on T { y }\n", "C": "fragment C on T { z }\n"}


def test_a_document_takes_the_fragments_it_spreads_and_theirs_only():
    assert _with_fragments("query Q { t { ...A } }\n", FRAGMENTS) == \
        "query Q { t { ...A } }\n\n" + FRAGMENTS["A"] + "\n" + FRAGMENTS["B"]
    assert _with_fragments("query Q { t { z } }\n", FRAGMENTS) == "query Q { t { z } }\n"


def test_the_consoles_poll_operations_share_one_selection():
    documents = client_operations("admin")
    assert "fragment PollFields on Poll" in documents["PollOpen"]
    assert documents["PollOpen"].count("fragment Threshold on Threshold") == 1
