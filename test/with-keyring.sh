#!/bin/sh
# Run a command inside a private D-Bus session with a throwaway, unlocked gnome-keyring, so
# keytar talks to a real Secret Service without touching the developer's own keychain.
# Usage: test/with-keyring.sh <command> [args...]
set -eu
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  # CI must exercise the real keychain; a developer machine without these runs the rest and
  # the keychain tests say why they skipped.
  if [ "${CI:-}" = "true" ]; then
    echo "with-keyring: dbus-run-session and gnome-keyring-daemon are required in CI (apt-get install dbus gnome-keyring)" >&2
    exit 1
  fi
  echo "with-keyring: no dbus-run-session/gnome-keyring-daemon here; keychain tests will be skipped" >&2
  exec "$@"
fi
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- sh -c 'echo throwaway-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null && MYAPPS_TEST_KEYRING=1 "$@"' sh "$@"
