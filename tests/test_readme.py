"""Every command the README shows runs as written on a fresh clone, with the inputs we ship (examples/).

Each ``.venv/bin/pricepoint`` line is parsed by the real command-line parser; every file it names (an
argument or a ``-p NAME FILE`` parameter) must exist in the project or be one the README's own earlier
commands write; the notebooks' parameters must fit their rules. The quick commands run for real here
(``reprice``, ``import-prices``, ``papermill --help-notebook``); the notebook runs are the notebook tests'.
Commands that need a key and the network (``--mode live``), a database (``--from-litellm-db``) or serve until
stopped (``emulator``) are only parsed.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from analysis import paths
from analysis.cli import build_parser

README = (paths.ROOT / "README.md").read_text()
#: Files the README's commands write before a later command reads them.
WRITTEN_BY_THE_README = {"my-prices.csv"}


def readme_commands() -> list[str]:
    """Every command line of the README's ``bash`` blocks, continuation lines joined, comments dropped."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


COMMANDS = readme_commands()
PRICEPOINT = [c for c in COMMANDS if c.startswith(".venv/bin/pricepoint ")]


def test_the_readme_shows_its_commands():
    assert "make report" in COMMANDS and "make test" in COMMANDS
    assert len(PRICEPOINT) >= 15, PRICEPOINT


def test_the_readme_names_no_path_outside_the_project():
    assert "shared/" not in README and "../" not in README


@pytest.mark.parametrize("command", PRICEPOINT, ids=lambda c: c[21:70])
def test_every_pricepoint_command_parses_and_names_files_that_exist(command):
    argv = shlex.split(command)[1:]
    args = build_parser().parse_args(argv)
    named = [a for a in argv if re.search(r"\.(csv|jsonl|json|parquet|yml|yaml)$", a)]
    outputs = {getattr(args, k, None) for k in ("out", "output", "csv", "log")}
    for name in named:
        if name in outputs or name in WRITTEN_BY_THE_README:
            continue
        assert (paths.ROOT / name).exists(), f"{command!r} names {name}, which a fresh clone does not have"
    if args.command in ("run", "sweep") and args.param:
        from analysis.cli.common import _resolve_notebooks
        from analysis.report.params import parameters_for, parse_value
        from analysis.report.sweep import parse_values

        [nb] = _resolve_notebooks([args.notebook])
        values = {n: (parse_values(v)[0] if args.command == "sweep" else parse_value(v)) for n, v in args.param}
        values = {n: v for n, v in values.items() if str(v) not in WRITTEN_BY_THE_README}
        _, problems = parameters_for(nb, {nb.stem: values}, None, base=paths.ROOT)
        assert not problems, problems


def test_the_quick_commands_run_as_written(tmp_path):
    """reprice and import-prices, exactly as the README writes them, from the project folder."""
    for command in PRICEPOINT:
        argv = shlex.split(command)[1:]
        if argv[0] not in ("reprice", "import-prices") or "genai-prices" in argv or "--from-litellm-db" in argv:
            continue
        # outputs go to a scratch folder, inputs are read from the project as written
        argv = [str(tmp_path / a) if a in ("totals.csv", "my-prices.csv") else a for a in argv]
        done = subprocess.run([sys.executable, "-m", "analysis.cli", *argv], cwd=paths.ROOT, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, f"{command}\n{done.stderr[-2000:]}"
    assert (tmp_path / "totals.csv").exists() and (tmp_path / "my-prices.csv").exists()


def test_papermill_help_notebook_as_written():
    command = next(c for c in COMMANDS if "--help-notebook" in c)
    argv = shlex.split(command)
    argv[0] = str(paths.ROOT / argv[0]) if (paths.ROOT / argv[0]).exists() else "papermill"
    done = subprocess.run(argv, cwd=paths.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "monthly_tokens" in done.stdout
