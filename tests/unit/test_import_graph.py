"""Dependencies point one way (DESIGN §2): api -> domain services -> the shared kernel -> core.

Read from the code's own imports (every `import` and `from ... import`, inside functions too):
- core imports no other backend package;
- the shared kernel (backend/people: Person, consent, masking) imports only core;
- a domain package imports neither the api layer nor the composition roots (app, seed, __main__);
- a worker imports no api;
- no two domain packages import each other, directly or round a longer loop.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE, KERNEL, API = "core", "people", "api"
# What assembles the application (api, app, seed, the CLI) and the migrations, which describe the
# models of every domain: they may import any domain, and no domain imports them.
OUTER = {"api", "app", "seed", "__main__", "migrations"}

Edges = dict[str, dict[str, list[str]]]  # package -> imported package -> "file: module" evidence


def _package(path: Path) -> str:
    """backend/registry/service.py -> registry; backend/app.py -> app; workers/x.py -> workers."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[0] == "workers":
        return "workers"
    return parts[1]


def _imported_modules(path: Path) -> list[str]:
    package_parts = path.relative_to(ROOT).with_suffix("").parts[:-1]
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing file's package
                base = ".".join(package_parts[: len(package_parts) - node.level + 1])
                modules.append(f"{base}.{node.module}" if node.module else base)
            else:
                modules.append(node.module)
    return modules


def import_graph() -> Edges:
    edges: Edges = defaultdict(lambda: defaultdict(list))
    for path in sorted([*ROOT.glob("backend/**/*.py"), *ROOT.glob("workers/**/*.py")]):
        source = _package(path)
        for module in _imported_modules(path):
            parts = module.split(".")
            if parts[0] == "backend" and len(parts) > 1 and parts[1] != source:
                edges[source][parts[1]].append(f"{path.relative_to(ROOT)}: {module}")
    return edges


def domains(edges: Edges) -> set[str]:
    found = {p.name for p in (ROOT / "backend").iterdir() if (p / "__init__.py").exists()}
    return found - OUTER - {CORE, KERNEL}


def violations(edges: Edges, domain_packages: set[str]) -> list[str]:
    problems = []
    for source, targets in edges.items():
        for target, evidence in targets.items():
            rule = None
            if source == CORE:
                rule = "core imports no other package"
            elif source == KERNEL and target != CORE:
                rule = "the kernel imports only core"
            elif source in domain_packages and target in OUTER:
                rule = f"a domain does not import {target}"
            elif source == "workers" and target == API:
                rule = "a worker does not import the api"
            if rule:
                problems.append(f"{source} -> {target} ({rule}): {evidence[0]}")
    problems += [f"cycle between domains: {' -> '.join(cycle)} ({_evidence(edges, cycle)})"
                 for cycle in cycles(edges, domain_packages)]
    return problems


def cycles(edges: Edges, nodes: set[str]) -> list[list[str]]:
    """One loop through each strongly connected group of packages (Tarjan), as a path a -> b -> a."""
    graph = {n: sorted(t for t in edges.get(n, {}) if t in nodes) for n in sorted(nodes)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in graph:
        if node not in index:
            visit(node)
    return [_loop(graph, group) for group in groups]


def _loop(graph: dict[str, list[str]], group: set[str]) -> list[str]:
    start = min(group)
    path, seen = [start], {start}
    while True:
        nxt = next(t for t in graph[path[-1]] if t in group and (t == start or t not in seen))
        path.append(nxt)
        if nxt == start:
            return path
        seen.add(nxt)


def _evidence(edges: Edges, cycle: list[str]) -> str:
    return "; ".join(edges[a][b][0] for a, b in zip(cycle, cycle[1:], strict=False))


def test_dependencies_point_one_way():
    edges = import_graph()
    assert "registry" in edges["notices"], "the import graph was not read"  # the reader sees imports
    assert "voting" in domains(edges) and "proxies" not in edges["voting"]  # voting reads proxies via the actor
    assert violations(edges, domains(edges)) == []


def test_the_rules_catch_a_cycle_a_domain_importing_the_api_and_core_importing_a_domain():
    edges: Edges = {
        "accounts": {"registry": ["backend/accounts/service.py: backend.registry.models"]},
        "registry": {"privacy": ["backend/registry/editing.py: backend.privacy.service"]},
        "privacy": {"accounts": ["backend/privacy/service.py: backend.accounts.service"],
                    "api": ["backend/privacy/service.py: backend.api.errors"]},
        "core": {"notices": ["backend/core/jobs.py: backend.notices.tasks"]},
        "people": {"registry": ["backend/people/models.py: backend.registry.models"]},
        "workers": {"api": ["workers/worker.py: backend.api.schema"]},
    }
    problems = violations(edges, {"accounts", "registry", "privacy", "notices"})
    assert any(p.startswith("cycle between domains: accounts -> registry -> privacy -> accounts") for p in problems)
    assert any(p.startswith("privacy -> api") for p in problems)
    assert any(p.startswith("core -> notices") for p in problems)
    assert any(p.startswith("people -> registry") for p in problems)
    assert any(p.startswith("workers -> api") for p in problems)
