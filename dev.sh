#!/usr/bin/env bash
# Set up whatever is missing (a Python >= 3.12 virtual environment with relsim installed), then:
#   ./dev.sh demo   compare the bundled baseline and liberated scenarios
#   ./dev.sh test   run the linters, the type checker and the test suite
#   ./dev.sh relsim ARGS...   run the relsim command line in the environment
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(pwd)"
VENV="$ROOT/.venv"

find_python() {
    # Every Python 3 found is a candidate (3.14 and later too); the newest that is 3.12 or
    # later is used, the first found among equals (PATH before pyenv before /usr).
    local candidates=(python3.14 python3.13 python3.12 python3)
    local root=""
    if command -v pyenv >/dev/null 2>&1; then root="$(pyenv root 2>/dev/null || true)"; fi
    # HOME may be unset (env -i, some service managers): not a reason to stop looking.
    [ -z "$root" ] && [ -n "${HOME:-}" ] && [ -d "$HOME/.pyenv" ] && root="$HOME/.pyenv"
    if [ -n "$root" ]; then
        for p in "$root"/versions/3.*/bin/python3; do
            [ -x "$p" ] && candidates+=("$p")
        done
    fi
    for p in /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
        [ -x "$p" ] && candidates+=("$p")
    done
    local best="" best_minor=0 minor c
    for c in "${candidates[@]}"; do
        command -v "$c" >/dev/null 2>&1 || continue
        minor="$("$c" -c 'import sys, venv; print(sys.version_info[1] if sys.version_info >= (3, 12) else 0)' 2>/dev/null)" || continue
        if [[ "$minor" =~ ^[0-9]+$ ]] && [ "$minor" -gt "$best_minor" ]; then
            best="$(command -v "$c")"
            best_minor="$minor"
        fi
    done
    [ -n "$best" ] || return 1
    echo "$best"
}

ensure_env() {
    local stamp="$VENV/.relsim-installed"
    local want
    # what was installed (cksum is on every POSIX system), and where: a moved checkout's .venv
    # still names the old place (its scripts' first lines, the editable install), so it is made
    # again
    want="$(cat pyproject.toml setup.py | cksum)"$'\n'"$VENV"
    if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    local made_in=""
    [ -f "$stamp" ] && made_in="$(sed -n 2p "$stamp")"
    if [ -n "$made_in" ] && [ "$made_in" != "$VENV" ]; then
        echo "relsim: .venv was made in another place (the checkout has moved); making it again" >&2
        rm -rf "$VENV"
    fi
    # A .venv made by a Python older than 3.12, or whose setup was interrupted before pip was
    # in it, can never be installed into: make it again rather than fail the same way each time.
    if [ -e "$VENV" ] && ! "$VENV/bin/python" -c \
        'import sys, pip; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
        echo "relsim: .venv is not usable (a Python older than 3.12, or unfinished); making it again" >&2
        rm -rf "$VENV"
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        local py
        if ! py="$(find_python)"; then
            echo "relsim: no Python >= 3.12 found (looked on PATH and under pyenv); install one and retry" >&2
            exit 2
        fi
        echo "relsim: creating virtual environment with $py" >&2
        "$py" -m venv "$VENV"
    fi
    echo "relsim: installing relsim and its dependencies into .venv" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
    echo "$want" >"$stamp"
}

cmd="${1:-demo}"
[ $# -gt 0 ] && shift
case "$cmd" in
demo)
    ensure_env
    exec "$VENV/bin/relsim" compare scenarios/baseline.yaml scenarios/liberated.yaml --ensemble 10 "$@"
    ;;
test)
    ensure_env
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/mypy"
    exec "$VENV/bin/python" -m pytest -n 2 "$@"
    ;;
relsim)
    ensure_env
    exec "$VENV/bin/relsim" "$@"
    ;;
-h | --help | help)
    echo "usage: ./dev.sh [demo|test|relsim ARGS...]   (set up what is missing, then run it)"
    ;;
*)
    printf -v shown '%q' "$cmd" # escaped: never a control character on the terminal
    echo "relsim: dev.sh has no command $shown; usage: ./dev.sh [demo|test|relsim ARGS...]" >&2
    exit 2
    ;;
esac
