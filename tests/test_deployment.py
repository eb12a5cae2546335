"""What Community Cloud installs: requirements.txt alone, pinned, bringing every module the
app imports (the browser walk of a Cloud-like server is in tests/e2e/test_lecture.py)."""

from scripts import cloud_check


def test_requirements_alone_bring_every_module_the_app_imports():
    assert cloud_check.imports_not_covered() == {}


def test_the_check_sees_a_module_requirements_do_not_bring(tmp_path):
    fewer = tmp_path / "requirements.txt"
    fewer.write_text("numpy==2.4.6\n")
    missing = cloud_check.imports_not_covered(fewer)
    assert {"streamlit", "plotly", "PIL"} <= set(missing)
    assert "numpy" not in missing


def test_every_runtime_requirement_is_pinned():
    for line in cloud_check.REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert "==" in line, f"{line!r} is not pinned"
