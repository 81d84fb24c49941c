# shellcheck shell=bash
# Sourced by ./kefu. Builds (or reuses) the project's Python 3.10 virtual environment
# and, for the tests, the headless Chromium they drive. Rasa 3.6 runs on Python
# 3.8-3.10 only; Kefu is tested on 3.10, so that is the one we look for.

KEFU_VENV="${KEFU_VENV:-$KEFU_ROOT/.venv}"

say() { printf '\033[1m[kefu]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[kefu] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Prints the path of a working Python 3.10 interpreter, or nothing.
find_python310() {
  local candidates=()
  [ -n "${KEFU_PYTHON:-}" ] && candidates+=("$KEFU_PYTHON")
  command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
  local pyenv_root=""
  if command -v pyenv >/dev/null 2>&1; then
    pyenv_root="$(pyenv root 2>/dev/null || true)"
  fi
  [ -z "$pyenv_root" ] && [ -d "$HOME/.pyenv" ] && pyenv_root="$HOME/.pyenv"
  if [ -n "$pyenv_root" ]; then
    local dir
    for dir in $(ls -d "$pyenv_root"/versions/3.10.* 2>/dev/null | sort -V -r); do
      candidates+=("$dir/bin/python3.10")
    done
  fi
  candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10 python3)
  local py
  for py in "${candidates[@]}"; do
    # pyenv shims exist for every installed version but fail when the version is
    # not selected, so run each candidate rather than trusting that it exists.
    if "$py" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then
      echo "$py"
      return 0
    fi
  done
  return 1
}

# pip install, without the notices some machines' pip configuration prints about
# package locations that do not exist; real errors still show.
pip_quietly() {
  "$KEFU_VENV/bin/python" -m pip install --quiet "$@" 2>&1 | grep -v '^WARNING: Location' >&2
  return "${PIPESTATUS[0]}"
}

ensure_venv() {
  local stamp="$KEFU_VENV/.kefu-requirements"
  local wanted
  wanted="$(cat "$KEFU_ROOT/requirements.txt" "$KEFU_ROOT/requirements.lock" "$KEFU_ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ -x "$KEFU_VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return 0
  fi
  if [ ! -x "$KEFU_VENV/bin/python" ]; then
    local py
    py="$(find_python310)" || die "Kefu needs Python 3.10 (Rasa 3.6 does not run on 3.11 or newer) and none was found.
  Install one, then run this command again:
    - with pyenv:   pyenv install 3.10
    - on Debian/Ubuntu: sudo apt install python3.10 python3.10-venv
    - or point Kefu at one: KEFU_PYTHON=/path/to/python3.10 $0 ${KEFU_COMMAND:-}"
    say "creating the virtual environment in $KEFU_VENV with $py"
    "$py" -m venv "$KEFU_VENV" || die "could not create a virtual environment with $py"
  fi
  say "installing the pinned dependencies (a few minutes the first time)"
  pip_quietly --upgrade pip==24.3.1 || die "could not upgrade pip"
  pip_quietly -r "$KEFU_ROOT/requirements.txt" -c "$KEFU_ROOT/requirements.lock" \
    || die "installing the dependencies failed (see above)"
  pip_quietly --no-deps --no-build-isolation -e "$KEFU_ROOT" \
    || die "installing Kefu itself into the environment failed"
  forget_rasa_starter_tests
  echo "$wanted" > "$stamp"
}

# `rasa test` with no flags runs every test story under the current folder, and the
# environment lives in the repo: Rasa's package carries the test stories of the
# starter bot that `rasa init` copies (about moods, not Kefu). Kefu never runs
# `rasa init`, so they go.
forget_rasa_starter_tests() {
  rm -rf "$KEFU_VENV"/lib/python3*/site-packages/rasa/cli/initial_project/tests
}

# Headless Chromium for the browser tests: Debian's package, since Playwright cannot
# download its own browser here.
# nginx balances the scaled setup's processes (`./kefu start --scale N` and its
# tests); the embedded default does not need it.
ensure_nginx() {
  if [ -n "${KEFU_NGINX:-}" ] && [ -x "$KEFU_NGINX" ]; then return 0; fi
  if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's nginx for the scaled setup"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; } \
      || die "could not install nginx with apt-get"
    return 0
  fi
  die "the scaled setup needs nginx. Install it (Debian/Ubuntu: sudo apt install nginx-light)
  or set KEFU_NGINX=/path/to/nginx, then run this command again."
}

ensure_chromium() {
  if [ -n "${KEFU_CHROMIUM:-}" ] && [ -x "$KEFU_CHROMIUM" ]; then return 0; fi
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's chromium for the browser tests"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
      || die "could not install chromium with apt-get"
    return 0
  fi
  die "the browser tests need Chromium. Install it (Debian/Ubuntu: sudo apt install chromium)
  or set KEFU_CHROMIUM=/path/to/chromium, then run this command again."
}
