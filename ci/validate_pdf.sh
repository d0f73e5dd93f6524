#!/usr/bin/env bash
# Check printed cards and handouts (`vitrine export cards|handout`, or the
# workspace's Print page) offline: PDF/UA-1 with `page` (PyPI page-validation,
# a veraPDF-rule checker in Rust), and, with pdfium (PyPI pypdfium2), that
# every page renders and the text is selectable and holds what it should.
# Each file's first page is rendered to FILE-page1.png beside it, to look at.
#   Usage: ci/validate_pdf.sh FILE.pdf EXPECTED_TEXT [FILE.pdf EXPECTED_TEXT …]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 FILE.pdf EXPECTED_TEXT …"; exit 2; }
VENV=${XDG_CACHE_HOME:-$HOME/.cache}/vitrine-pdf-validators
PKGS="page-validation==0.11.0 pypdfium2==5.15.2 pillow==13.0.0"
source "$(dirname "$0")/venv.sh"
cached_venv "$VENV" "$PKGS"
"$VENV/bin/python" - "$@" <<'PY'
import sys
import page
import pypdfium2 as pdfium

args = sys.argv[1:]
failed = False
for path, expected in zip(args[::2], args[1::2]):
    report = page.validate_pdf(path, profile="ua1")
    print(f"{path}: PDF/UA-1 {'compliant' if report.is_compliant else 'NOT compliant'}, "
          f"{report.rules.passed} rules passed, {report.rules.failed} failed, "
          f"{report.document.page_count} pages")
    for failure in report.failures:
        print(f"  {failure.rule_id}: {failure.message}")
    failed |= not report.is_compliant or report.rules.failed > 0
    pdf = pdfium.PdfDocument(path)
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    if expected not in " ".join(text.split()):
        print(f"  the selectable text does not hold {expected!r}")
        failed = True
    pdf[0].render(scale=1.5).to_pil().save(path[:-4] + "-page1.png")
sys.exit(1 if failed else 0)
PY
