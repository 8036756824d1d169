"""The front end's API client is generated from the committed schema/openapi.yaml at every build
(`make frontend`), never committed: here it is generated again and the TypeScript type-checked
against it, so a schema change the agenda's code no longer fits fails the suite (as it fails
`make test`, which builds first)."""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings

FRONTEND = Path(settings.BASE_DIR) / "frontend"


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=FRONTEND, capture_output=True, text=True, timeout=300)


def test_the_agenda_type_checks_against_the_client_generated_from_the_committed_schema():
    assert shutil.which("npx"), "Node and npm are missing: run make frontend (it installs them on Debian)."
    assert (FRONTEND / "node_modules").is_dir(), "frontend/node_modules is missing: run make frontend."
    generated = run("npm", "run", "--silent", "generate")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    checked = run("npx", "--no-install", "tsc", "--noEmit")
    assert checked.returncode == 0, "The front end no longer fits schema/openapi.yaml:\n" + checked.stdout
