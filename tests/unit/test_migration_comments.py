"""tortoise's SQLite schema editor splits a migration's SQL on ';', and it writes a model's docstring
and a field's description into the SQL as comments: one holding a ';' breaks the embedded default's
migrations (`make run`) while PostgreSQL runs them fine."""

import re
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parents[2] / "backend" / "migrations"
COMMENT = re.compile(r"""(?:'table_description': |description=)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


def test_no_comment_in_a_migration_holds_a_semicolon():
    found = [(path.name, text) for path in sorted(MIGRATIONS.glob("0*.py"))
             for text in COMMENT.findall(path.read_text(encoding="utf-8")) if ";" in text]
    assert found == []


def test_the_check_sees_comments_at_all():
    assert any(COMMENT.findall(path.read_text(encoding="utf-8")) for path in MIGRATIONS.glob("0*.py"))
