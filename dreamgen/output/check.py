"""A check's report as text (each problem as FILE:LINE:COL: message, then a summary) or JSON:
a grammar's, and each corpus file's."""

__all__ = ["CHECK_FORMATS", "render"]

CHECK_FORMATS = ("text", "json")


def render(report, fmt, corpus=()):
    """``report`` (from :func:`dreamgen.grammar.load.check_files`, or None) and the ``corpus``
    reports (from :func:`dreamgen.corpus_lint.check_file`) in ``fmt``, text or json.

    JSON is the grammar report alone when no corpus file was checked, else an object with
    ``grammar`` (or null) and ``corpus``, a list.
    """
    reports = ([report] if report is not None else []) + list(corpus)
    if fmt == "text":
        return "".join(f"{p}\n" for r in reports for p in (*r.problems, r.summary()))
    if fmt == "json":
        import json

        record = report.to_dict() if report is not None else None
        if corpus:
            record = {"grammar": record, "corpus": [r.to_dict() for r in corpus]}
        return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown format {fmt!r}")
