"""Rewrite the tests from the report as a dict to the typed Report (reports.selectors.report_data).

    .venv/bin/python scripts/typed_report_tests.py [files or folders ...]   (default: tests/)

`report["dimensions"]` and `report.get("beside")` become `report.dimensions` and
`report.beside`, and the nested dataclasses too: `report["municipality"]["name"]` becomes
`report.municipality.name`, `report["beside"]["kommune"]` becomes `report.beside.kommune`.
Sections that stay dicts (items, choices, outcomes, gaps, trend) keep their subscripts below the
report: `report["items"]["strategi"]` becomes `report.items["strategi"]`.

Only expressions that hold a report are rewritten, found per test function: names assigned from
`municipality_report(...)`, from a helper in the same file that returns one (`report_for`), from
`response.context["report"]`, and the loop names over a list of such reports; plus those calls
and `context["report"]` subscripted directly. Other dicts with the same keys (the benchmark's
rows, the API's JSON) are left alone. Idempotent: a second run changes nothing. Prints the files
it changed and formats them with ruff when ruff is installed.
"""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

FIELDS = [
    *("round", "municipality", "unit", "min_size", "respondents", "suppressed", "below_min"),
    *("protected", "reason", "response_rate", "national", "peer", "overall", "dimensions"),
    *("staff_groups", "sectors", "units", "gaps", "traits", "outcomes", "items", "choices"),
    *("trend", "changes", "beside", "strengths", "improvements", "differences"),
    *("comparison_label", "hidden_summary"),
]
# Fields that are dataclasses themselves: their keys are attributes too.
NESTED = {
    "round": ("slug", "name", "closed"),
    "municipality": ("number", "name", "size_class", "size_class_label"),
    "unit": ("id", "name"),
    "beside": ("kommune", "sector"),
    "hidden_summary": ("staff_groups", "sectors", "units", "dimensions"),
}
# `report_for` is the tests' helper (tests/test_suppression.py, tests/test_scoring.py), also when
# it is imported from a test module that has moved.
PRODUCERS = {"municipality_report", "build_report", "report_for"}

FIELD = "|".join(FIELDS)
KEY = r"""\[\s*["']({keys})["']\s*\]"""
GET = r"""\.get\(\s*["']({keys})["']\s*\)"""


def _is_producer_call(node, producers) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return name in producers


def _is_context_report(node) -> bool:
    """`<something>.context["report"]`"""
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "context"
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == "report"
    )


def _is_report(node, producers) -> bool:
    return _is_producer_call(node, producers) or _is_context_report(node)


def _imported_producers(tree, path: Path | None) -> set[str]:
    """Helpers imported from another test module that return a report there."""
    found = set()
    root = Path.cwd()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tests"):
            other = root.joinpath(*node.module.split(".")).with_suffix(".py")
            if other.is_file() and (path is None or other.resolve() != path.resolve()):
                try:
                    other_tree = ast.parse(other.read_text(encoding="utf-8"))
                except SyntaxError:
                    continue
                returning = _producers(other_tree)
                found |= {a.asname or a.name for a in node.names if a.name in returning}
    return found


def _producers(tree, extra=frozenset()) -> set[str]:
    """The module's functions that return a report (helpers such as `report_for`)."""
    found = set(PRODUCERS) | set(extra)
    changed = True
    while changed:
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name not in found:
                returns = [n for n in ast.walk(node) if isinstance(n, ast.Return) and n.value]
                if returns and all(_is_report(r.value, found) for r in returns):
                    found.add(node.name)
                    changed = True
    return found


def _is_report_list(node, producers) -> bool:
    """`[municipality_report(...) for ...]`, or a list or tuple of reports."""
    if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
        return _is_report(node.elt, producers)
    if isinstance(node, ast.List | ast.Tuple):
        return bool(node.elts) and all(_is_report(e, producers) for e in node.elts)
    return False


def _names(function, producers, params=frozenset()) -> set[str]:
    """The names that hold a report somewhere in `function` (`params`: its parameters that
    are passed a report)."""
    reports, lists = set(params), set()

    def bind(target, value):
        if isinstance(target, ast.Name):
            if _is_report(value, producers):
                reports.add(target.id)
            elif _is_report_list(value, producers):
                lists.add(target.id)
        elif isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List):
            for t, v in zip(target.elts, value.elts, strict=False):
                bind(t, v)

    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            bind(node.target, node.value)
    for node in ast.walk(function):
        loops = []
        if isinstance(node, ast.For):
            loops.append((node.target, node.iter))
        elif isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp):
            loops += [(g.target, g.iter) for g in node.generators]
        for target, iterable in loops:
            if (
                isinstance(target, ast.Name)
                and isinstance(iterable, ast.Name)
                and iterable.id in lists
            ):
                reports.add(target.id)
    return reports


def _field_loops(function) -> set[str]:
    """Loop names that run over a literal tuple or list of report field names."""
    found = set()
    for node in ast.walk(function):
        loops = []
        if isinstance(node, ast.For):
            loops.append((node.target, node.iter))
        elif isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp):
            loops += [(g.target, g.iter) for g in node.generators]
        for target, iterable in loops:
            if (
                isinstance(target, ast.Name)
                and isinstance(iterable, ast.Tuple | ast.List)
                and iterable.elts
                and all(isinstance(e, ast.Constant) and e.value in FIELDS for e in iterable.elts)
            ):
                found.add(target.id)
    return found


def _rewrite_dynamic(text: str, name: str, loop_names: set[str]) -> str:
    """`report[part]` with `part` running over field names to `getattr(report, part)`."""
    for loop_name in sorted(loop_names):
        text = re.sub(
            rf"(?<![\w.]){re.escape(name)}\[\s*{re.escape(loop_name)}\s*\]",
            f"getattr({name}, {loop_name})",
            text,
        )
    return text


def _rewrite_chain(text: str, head: str) -> str:
    """Subscripts of the report expression `head` (a regex) to attributes."""
    text = re.sub(rf"({head})" + KEY.format(keys=FIELD), r"\1.\2", text)
    text = re.sub(rf"({head})" + GET.format(keys=FIELD), r"\1.\2", text)
    for parent, keys in NESTED.items():
        keys_re = "|".join(keys)
        nested_head = rf"({head})\.{parent}"
        text = re.sub(nested_head + KEY.format(keys=keys_re), rf"\1.{parent}.\2", text)
        text = re.sub(nested_head + GET.format(keys=keys_re), rf"\1.{parent}.\2", text)
    return text


def _matching_paren(text: str, start: int) -> int:
    """The index after the parenthesis that closes the one at `start` (strings ignored: the
    arguments of a report call hold no unbalanced parentheses)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def _rewrite_calls(text: str, producers) -> str:
    """`municipality_report(...)["key"]` and `report_for(...)["key"]` to attributes."""
    key = re.compile(r"""\s*\[\s*["'](""" + FIELD + r""")["']\s*\]""")
    pattern = re.compile(r"(?<![\w.])(" + "|".join(sorted(producers)) + r")\(")
    out, pos = [], 0
    for match in pattern.finditer(text):
        if match.start() < pos:
            continue
        end = _matching_paren(text, match.end() - 1)
        if end < 0:
            continue
        found = key.match(text, end)
        if found:
            out += [text[pos:end], "." + found.group(1)]
            pos = found.end()
    out.append(text[pos:])
    return "".join(out)


def _report_params(scopes, producers) -> dict[str, set[str]]:
    """{function name: its parameters passed a report} for the module's own helpers, e.g.
    `_assert_every_change_is_two_shown_figures(changes, before, after)`."""
    by_name = {f.name: f for f in scopes}
    params: dict[str, set[str]] = {name: set() for name in by_name}
    changed = True
    while changed:
        changed = False
        for function in scopes:
            names = _names(function, producers, params[function.name])
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
                    continue
                callee = by_name.get(call.func.id)
                if callee is None:
                    continue
                arguments = [a.arg for a in callee.args.posonlyargs + callee.args.args]
                passed = list(zip(arguments, call.args, strict=False))
                passed += [(k.arg, k.value) for k in call.keywords if k.arg]
                for parameter, value in passed:
                    is_report = (isinstance(value, ast.Name) and value.id in names) or _is_report(
                        value, producers
                    )
                    if is_report and parameter not in params[callee.name]:
                        params[callee.name].add(parameter)
                        changed = True
    return params


def rewrite(source: str, path: Path | None = None) -> str:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    producers = _producers(tree, _imported_producers(tree, path))
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    scopes = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef):
            scopes += [
                n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
    params = _report_params(scopes, producers)
    text = source
    # From the bottom up, so the offsets of the scopes above stay right.
    for function in sorted(scopes, key=lambda f: f.lineno, reverse=True):
        names = _names(function, producers, params.get(function.name, set()))
        if not names:
            continue
        loop_names = _field_loops(function)
        first = function.decorator_list[0].lineno if function.decorator_list else function.lineno
        begin, end = starts[first - 1], starts[function.end_lineno]
        part = text[begin:end]
        for name in sorted(names):
            part = _rewrite_chain(part, rf"(?<![\w.]){re.escape(name)}")
            part = _rewrite_dynamic(part, name, loop_names)
        text = text[:begin] + part + text[end:]
    text = _rewrite_calls(text, producers)
    return _rewrite_chain(text, r"""\.context\[\s*["']report["']\s*\]""")


def main(arguments: list[str]) -> int:
    paths = [Path(a) for a in arguments] or [Path("tests")]
    files = sorted(
        f
        for p in paths
        for f in ([p] if p.is_file() else p.rglob("*.py"))
        if "vendor" not in f.parts
    )
    changed = []
    for path in files:
        source = path.read_text(encoding="utf-8")
        new = rewrite(source, path)
        if new != source:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
            print(path)
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if changed and Path(ruff).exists():
        subprocess.run([ruff, "format", "--quiet", *map(str, changed)], check=False)
    print(f"{len(changed)} file(s) changed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
