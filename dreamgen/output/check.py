"""A grammar check's report as text (each problem as FILE:LINE:COL: message, then a summary)
or JSON."""

__all__ = ["CHECK_FORMATS", "render"]

CHECK_FORMATS = ("text", "json")


def render(report, fmt):
    """``report`` (from :func:`dreamgen.lint.check_files`) in ``fmt``, text or json."""
    if fmt == "text":
        return "".join(f"{p}\n" for p in report.problems) + report.summary() + "\n"
    if fmt == "json":
        import json

        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown format {fmt!r}")
