"""One rule for acting for someone (代办): a service learns for whom it acts only from
`actor.subject(scope)`, which checks the proxy's scope. The principal itself stays inside
backend/core/actor.py, read only by the audit record and the "acting as" display, so the old
shortcut `actor.acting_for or actor.require_person()` cannot come back unnoticed."""

import re
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2] / "backend"
# A proxy's principal, by any of its names: the private field, the old public one, its accessor.
PRINCIPAL = re.compile(r"\.(_?acting_for|principal_on_record)\b")
ALLOWED = {
    "core/actor.py": {"_acting_for", "principal_on_record"},
    "audit/service.py": {"principal_on_record"},  # who wrote the entry for whom
    "core/statemachine.py": {"principal_on_record"},  # a transition's event row: for whom
    "api/audit.py": {"acting_for"},  # an audit entry's acting_for, for display
    "api/registry.py": {"principal_on_record"},  # viewer.actingFor: the "acting as" banner
    "cases/service.py": {"principal_on_record"},  # a case's timeline entry: written for whom
    "api/cases.py": {"acting_for"},  # a case's events and entries, for display
    "api/timebank.py": {"acting_for"},  # a time-bank request's events, for display
}


def test_only_the_actor_the_audit_and_the_banner_know_whom_a_proxy_acts_for():
    offending = []
    for path in sorted(BACKEND.rglob("*.py")):
        relative = path.relative_to(BACKEND).as_posix()
        if relative.startswith("migrations/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in PRINCIPAL.finditer(line):
                if match.group(1) not in ALLOWED.get(relative, set()):
                    offending.append(f"backend/{relative}:{number}: {line.strip()}")
    assert not offending, "use actor.subject(ProxyScope.…) to learn for whom a service acts:\n" + "\n".join(offending)


def test_the_rule_catches_the_old_shortcut():
    assert PRINCIPAL.search("me = actor.acting_for or actor.require_person()")
    assert PRINCIPAL.search("if actor._acting_for is None:")
    assert not PRINCIPAL.search("AuditEntry.filter(acting_for_id=me)")
