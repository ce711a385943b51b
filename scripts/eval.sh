#!/usr/bin/env bash
# make eval: measure triage end to end through ticketctl's own commands, on
# a fresh temporary local store (never the user's): Banking77's training
# split imported as history (category → team) and its test split as newer
# tickets, then `triage eval` on the time-ordered hold-out (= the official
# test split); bitext's 27 canonical FAQs imported with `faq import`, its
# utterances matched with `faq match --stdin`. Ends with one line per data
# set:
#   eval banking77 accuracy=0.xxx macro_f1=0.xxx nb_accuracy=0.xxx
#   eval bitext-faq top1=0.xxx mrr=0.xxx
#
#   DATA=../shared/data bash scripts/eval.sh bin/ticketctl
set -euo pipefail
bin=${1:-bin/ticketctl}
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
case "$DATA" in /*) ;; *) DATA="$PWD/$DATA" ;; esac
for f in banking77/train.csv banking77/test.csv bitext/faq_27.csv bitext/bitext_v1_canonical.csv; do
	[[ -r "$DATA/$f" ]] || { echo "eval: $DATA/$f not found (set DATA=…)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ticketctl-eval.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A fresh home: config, credentials and the local store all live under it.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
unset TICKETCTL_URI TICKETCTL_DATABASE TICKETCTL_CONTEXT TICKETCTL_TOKEN
export TICKETCTL_NO_PROGRESS=1
tc() { "$bin" "$@" 2> >(grep -v '^ticketctl: using the local store' >&2); }
step() { printf '== %s (%ds)\n' "$*" "$SECONDS" >&2; }

go build -o "$work/evaldata" ./scripts/evaldata
ed() { "$work/evaldata" "$@"; }

step "init and log in on a fresh local store"
password=$(head -c 18 /dev/urandom | base64)
printf '%s\n' "$password" | tc init --admin-username eval-admin --password-stdin >/dev/null
printf '%s\n' "$password" | tc login --username eval-admin --password-stdin >/dev/null

step "one team per Banking77 category"
: >"$work/teams.txt"
while read -r category; do
	id=$(tc teams create --company banking77 --category "$category" --name "$category")
	echo "$category $id" >>"$work/teams.txt"
done < <(ed categories "$DATA/banking77")
echo "   $(wc -l <"$work/teams.txt") teams" >&2

step "import Banking77 (train split as history, test split as newer tickets)"
test_since=$(ed banking77 "$DATA/banking77" "$work/teams.txt" "$work/banking77.ndjson")
tc tickets import "$work/banking77.ndjson" -o json --jq '"   imported \(.imported) tickets"' >&2

step "triage eval --test-since $test_since"
tc triage eval --test-since "$test_since" -o json >"$work/eval.json"
banking=$(ed report-banking77 "$work/eval.json")

step "triage train (stores the model, 20% time-ordered hold-out) and triage models"
r3() { echo "(($1) * 1000 | round / 1000)"; }
tc triage train --use -o json --jq "\"   model v\(.version): \(.docs) tickets; hold-out of \(.holdout.docs): accuracy \($(r3 .holdout.accuracy)), macro-F1 \($(r3 .holdout.macro_f1)), NB \($(r3 .holdout.nb_accuracy)); routes at confidence >= \(.threshold): coverage \($(r3 .holdout.coverage)), precision \($(r3 .holdout.precision))\"" >&2
tc triage models -o json --jq '.[] | "   v\(.version) active=\(.active)"' >&2

step "faq import bitext faq_27.csv"
tc faq import "$DATA/bitext/faq_27.csv" -o json --jq '"   \(.inserted) FAQs added"' >&2

step "faq calibrate on half of the bitext utterances"
ed bitext "$DATA/bitext" "$work/queries.ndjson" "$work/calibration.ndjson"
tc faq calibrate --queries "$work/calibration.ndjson" -o json \
	--jq "\"   threshold \(.choice.threshold) reached=\(.choice.reached): precision \($(r3 .choice.precision)), coverage \($(r3 .choice.coverage))\"" >&2

step "faq match --stdin on every bitext utterance"
tc faq match --stdin --top 0 <"$work/queries.ndjson" >"$work/matches.ndjson"
faq=$(ed report-bitext "$DATA/bitext" "$work/matches.ndjson")

step "done"
echo "$banking"
echo "$faq"
