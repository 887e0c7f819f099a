#!/usr/bin/env bash
# The main job: the seed tutorial ("Comparing Dolt Backups with Remotes") end to end with the
# native `cairn` command, in a fresh temporary folder. Prints each command as a user would type
# it, and stops with an error if any step does not show what the tutorial says it shows.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

echo "building cairn..." >&2
cargo build --release --locked --quiet -p cairn --bin cairn --manifest-path "$root/Cargo.toml"
cairn_bin="$root/target/release/cairn"
cairn() { "$cairn_bin" "$@"; }

work="${CAIRN_TUTORIAL_DIR:-$(mktemp -d)}"
export CAIRN_USER_NAME="${CAIRN_USER_NAME:-Tutorial User}" CAIRN_USER_EMAIL="${CAIRN_USER_EMAIL:-tutorial@example.com}"

# The prompt: the folder inside the tutorial's work folder.
here() { [ "$PWD" = "$work" ] && printf '~' || printf '~/%s' "${PWD#"$work"/}"; }
# Runs a command as the tutorial shows it: `$ cmd`, then its output.
step() { printf '\n\033[1m%s$ %s\033[0m\n' "$(here)" "$*"; "$@"; }
# Runs a command and requires its output to contain a text.
expect() {
  local want="$1"; shift
  local out
  printf '\n\033[1m%s$ %s\033[0m\n' "$(here)" "$*"
  out="$("$@")"
  printf '%s\n' "$out"
  grep -qF -- "$want" <<<"$out" || { echo "tutorial: expected '$want' in the output of: $*" >&2; exit 1; }
}
refuse() {
  local want="$1"; shift
  local err
  printf '\n\033[1m%s$ %s\033[0m\n' "$(here)" "$*"
  if err="$("$@" 2>&1)"; then echo "tutorial: expected '$*' to fail" >&2; exit 1; fi
  printf '%s\n' "$err"
  grep -qF -- "$want" <<<"$err" || { echo "tutorial: expected '$want' in the error of: $*" >&2; exit 1; }
}

cd "$work"
echo "working in $work"
echo; echo "## Create a database snapshot"
step mkdir -p repo1 backups/backup1
cd repo1
expect "Successfully initialized" cairn init
step cairn backup add backup1 file://../backups/backup1
expect "synced backup 'backup1'" cairn backup sync backup1
cd ..
expect "restored snapshot" cairn backup restore file://./backups/backup1 repo2
cd repo2
expect "* main" cairn branch -a
expect "nothing to commit" cairn status
cd ..

echo; echo "## Branches, a remote, a tag and uncommitted data: backups copy them all"
cd repo1
step cairn sql -q "create table items (id int primary key, name varchar(40)); insert into items values (1, 'rope'), (2, 'lantern')"
expect "new table:      items" cairn status
expect "HEAD -> main" cairn commit -a -m "items to carry"
expect "items to carry" cairn log -n 1
step cairn branch feature
step mkdir ../rem1
step cairn remote add origin file://../rem1
expect "main -> main" cairn push origin main
step cairn tag v1 HEAD
step cairn sql -q "create table not_committed (a int primary key)"
expect "synced backup 'backup1'" cairn backup sync backup1
expect "is up to date" cairn backup sync backup1
cd ..
expect "restored snapshot" cairn backup restore file://backups/backup1 repo3
cd repo3
expect "remotes/origin/main" cairn branch -a
expect "v1" cairn tag
expect "Tables in 'origin/main':" cairn ls origin/main
expect "lantern" cairn sql -q "select name from items where id = 2"
expect "new table:      not_committed" cairn status
printf '\n\033[1m~/repo3$ cairn remote -v\033[0m\n'
[ -z "$(cairn remote -v)" ] || { echo "tutorial: a restored database has no remotes" >&2; exit 1; }
cd ..

echo; echo "## A clone of the remote has the pushed branch, not the uncommitted table"
expect "cloned" cairn clone file://rem1 repo4
cd repo4
expect "nothing to commit" cairn status
expect "Tables in working set:" cairn ls
[ "$(cairn ls)" = "$(printf 'Tables in working set:\n\titems')" ] || { echo "tutorial: the clone should hold items only" >&2; exit 1; }
cd ..

echo; echo "## Every sync is a snapshot in one deduplicated backup"
expect "BRANCH" cairn backup snapshots file://backups/backup1
expect "no problems found" cairn backup verify file://backups/backup1
first=$(cairn backup snapshots file://backups/backup1 | awk 'NR==2 {print $1}')
expect "restored snapshot $first" cairn backup restore --snapshot "$first" file://backups/backup1 repo5
cd repo5
expect "nothing to commit" cairn status
cd ..

echo; echo "## What backups refuse"
refuse "already exists, use '--force' to overwrite" cairn backup restore file://backups/backup1 repo3
refuse "use \`cairn backup restore" cairn clone file://backups/backup1 repo6
cd repo4
refuse "belongs to another database" cairn backup sync-url file://../backups/backup1
refuse "address conflict with a remote: 'origin'" cairn backup add mine file://../rem1
refuse "backup 'nope' not found" cairn backup sync nope
cd ..

echo
echo "tutorial: every step showed what the seed tutorial says it shows"
