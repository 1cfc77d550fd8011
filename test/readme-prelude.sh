# Sourced before the README's curl blocks by test/readme.test.ts. Each curl call logs
# "<status>\t<arguments>" to $LOG and remembers its answer in $LAST (and a bulk edit id in
# $BULKEDIT); `expect <answer>` logs the answer wanted next to the last one, for the test to compare.
curl() {
  local out
  out=$(command curl -sS -w '\n%{http_code}' "$@") || { printf 'curl failed\t%s\n' "$*" >> "$LOG"; return 1; }
  local code=${out##*$'\n'}
  LAST=${out%$'\n'*}
  printf '%s\t%s\n' "$code" "$*" >> "$LOG"
  local id
  id=$(grep -o '"id":"bulkedit_[A-Za-z0-9]*"' <<<"$LAST" | head -n 1 | cut -d '"' -f 4)
  if [ -n "$id" ]; then BULKEDIT=$id; fi
  printf '%s\n' "$LAST"
}
expect() {
  printf 'expect\t%s\t%s\n' "$1" "$(head -c 4000 <<<"$LAST" | tr '\t\n' '  ')" >> "$LOG"
}
