# Sourced by the ci/validate_*.sh scripts: `cached_venv DIR "PKG==V …"` makes
# (or reuses) a Python venv at DIR holding exactly those pinned packages, so
# only the first run needs PyPI. Debian's python3 needs python3-venv for it.
cached_venv() {
  local venv=$1 pkgs=$2
  if [ "$(cat "$venv/.installed" 2>/dev/null)" = "$pkgs" ] && "$venv/bin/python" -c '' 2>/dev/null; then
    return 0
  fi
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    apt-get -qq update >/dev/null && apt-get -qq install -y python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
  # shellcheck disable=SC2086
  "$venv/bin/pip" install -q --disable-pip-version-check $pkgs
  echo "$pkgs" >"$venv/.installed"
}
