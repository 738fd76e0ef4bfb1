"""Command line: ``python -m core validate | export PATH.csv | check PATH… | build``.

``validate`` checks every record file and every snippet against its source text and
exits 1 when anything is wrong; ``export`` writes the whole evidence as one long CSV
table; ``check`` validates files to import (the export's CSV format or record files);
``build`` compiles the database the app opens.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core import db, derived
from core.presentation.export import HEADER_KEYS, HEADER_OPTIONS, with_headers, write_csv
from core.problems import Problem, escape_controls
from core.records import DEFAULT_DATA_DIR, load_evidence, sources_dir_from_env


def _say(text: str, file=None) -> None:
    """Print a line built from input: control characters (terminal escapes) escaped."""
    print(escape_controls(text), file=file or sys.stdout)


def _validate(args: argparse.Namespace) -> int:
    sources = Path(args.sources) if args.sources else sources_dir_from_env()
    evidence = load_evidence(args.data, sources)
    for problem in sorted(evidence.errors):
        _say(str(problem))
    summary = (
        f"{len(evidence.trials)} trials, {len(evidence.analyses)} analyses, "
        f"{len(evidence.values)} values, {len(evidence.sources)} sources, "
        f"{len(evidence.discrepancies)} discrepancies"
    )
    if evidence.errors:
        print(f"{len(evidence.errors)} problem(s); loaded {summary}", file=sys.stderr)
        return 1
    print(f"ok: {summary}")
    return 0


def _export(args: argparse.Namespace) -> int:
    evidence = load_evidence(args.data)
    for problem in sorted(evidence.errors):
        _say(f"skipped: {problem}", file=sys.stderr)
    con = db.connect_memory(evidence)
    try:
        frame = derived.export_frame(con)
    finally:
        con.close()
    write_csv(with_headers(frame, args.headers), args.path)
    n_derived = int((frame["evidence_kind"] == derived.DERIVED_EVIDENCE_KIND).sum())
    print(
        f"wrote {len(frame) - n_derived} values and {n_derived} derived values "
        f"(evidence kind 'derived', with formula and input ids) to {args.path}"
    )
    return 1 if evidence.errors else 0


def _check(args: argparse.Namespace) -> int:
    """Validate files to import; exit 1 if anything is invalid. Never a traceback for bad input.

    Reads the files exactly as the Import page does (:func:`core.importer.read_uploads`: the
    same size, row, file-count and problem limits) and prints the same problems in English.
    """
    from core.importer import MAX_BYTES, curated_context, read_uploads

    registry, texts = curated_context(args.data)
    # an import sits beside the curated data, so it may not reuse a curated trial id
    taken = {path.stem for path in (Path(args.data) / "trials").glob("*.toml")}
    files, refused = [], []
    for name in args.paths:
        path = Path(name)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:  # never read more than the limit into memory
                refused.append(Problem.of(path.name, "", "", "too_large", size=size, max=MAX_BYTES))
                continue
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            refused.append(Problem.of(path.name, "", "", "unreadable", detail=str(exc.strerror or exc)))
    result = read_uploads(files, registry, texts, taken)
    for problem in [*refused, *result.problems]:
        _say(str(problem))
    for curated, own in result.user_versions.items():
        print(
            f"note: trial '{curated}' is curated; the file's rows come in as the user's version '{own}' beside it"
        )
    if result.unchecked:
        print(
            f"note: {result.unchecked} value(s) or arm(s) cite a curated source whose text is not on this "
            "machine; their snippets were not checked against it (set EVIDENCE_SOURCES)"
        )
    invalid = len(refused) + result.problem_total
    summary = f"{len(result.evidence.trials)} trials and {len(result.evidence.values)} values valid"
    if invalid:
        _say(f"{invalid} problem(s); {summary}", file=sys.stderr)
        return 1
    print(f"ok: {summary}")
    return 0


def _build(args: argparse.Namespace) -> int:
    try:
        path = db.compiled_database(args.data)
    except db.BuildError as exc:
        print(f"cannot build: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core", description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA_DIR), help="data folder (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check every record and snippet; exit 1 on any problem")
    validate.add_argument(
        "--sources", help="folder of source texts (default: $EVIDENCE_SOURCES or ../shared/sources)"
    )
    validate.set_defaults(run=_validate)
    export = commands.add_parser("export", help="write every value as one long CSV table")
    export.add_argument("path", help="output .csv file")
    export.add_argument(
        "--headers",
        choices=HEADER_OPTIONS,
        default=HEADER_KEYS,
        help="column headers: the keys (default) or a language; the import reads them all",
    )
    export.set_defaults(run=_export)
    check = commands.add_parser(
        "check", help="validate files to import (.csv export format or .toml records)"
    )
    check.add_argument("paths", nargs="+", help="files to check")
    check.set_defaults(run=_check)
    build = commands.add_parser("build", help="compile the database the app opens")
    build.set_defaults(run=_build)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
