# Sourced by the other scripts: makes .venv with the project and its dev tools installed.
# Reinstalls only when pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "Creating the virtual environment in .venv ..."
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-pyproject
if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
    echo "Installing the project and its dependencies (a few minutes the first time) ..."
    # pip's and setuptools' own warnings go to the log; it is shown only if the install fails.
    log=.venv/install.log
    if ! { .venv/bin/python -m pip install --quiet --upgrade pip \
           && .venv/bin/python -m pip install --quiet -e ".[dev]"; } >"$log" 2>&1; then
        cat "$log" >&2
        echo "Installing failed; the output above is also in $log." >&2
        exit 1
    fi
    cp pyproject.toml "$stamp"
fi
