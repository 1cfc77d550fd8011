# Sourced before the README's curl blocks by test/readme.test.ts. Each curl call logs
# "<status>\t<subshell depth>\t<answer bytes>\t<arguments>" to $LOG and remembers its answer in $LAST;
# `expect <answer>` logs the answer wanted next to the last one, for the test to compare. A call in
# a subshell (`ID=$(curl …)`) is one whose answer the reader does not see.
curl() {
  local out args="$*"
  args=${args//$'\n'/ }   # one log line per call
  out=$(command curl -sS -w '\n%{http_code}' "$@") || { printf 'curl failed\t%s\t0\t%s\n' "$BASH_SUBSHELL" "$args" >> "$LOG"; return 1; }
  local code=${out##*$'\n'}
  LAST=${out%$'\n'*}
  printf '%s\t%s\t%s\t%s\n' "$code" "$BASH_SUBSHELL" "${#LAST}" "$args" >> "$LOG"
  printf '%s\n' "$LAST"
}
expect() {
  printf 'expect\t%s\t%s\n' "$1" "$(head -c 4000 <<<"$LAST" | tr '\t\n' '  ')" >> "$LOG"
}
