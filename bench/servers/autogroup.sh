# Sourced first by bench/burst-accuracy.sh and bench/shards.sh. With NICE set (e.g. -10, as root), the script
# re-runs itself in a session of its own (setsid) and gives that session's scheduler autogroup the nice value:
# with kernel.sched_autogroup_enabled=1 (Debian's default) a plain `nice` only orders processes inside one
# session, so against other sessions' builds it does nothing; the autogroup's nice is what weighs against them.
if [ -n "${NICE:-}" ]; then
  if [ -z "${LB_OWN_AUTOGROUP:-}" ]; then exec env LB_OWN_AUTOGROUP=1 setsid -w "$0" "$@"; fi
  if [ -w /proc/self/autogroup ]; then
    echo "$NICE" > /proc/self/autogroup || echo "autogroup: could not set nice $NICE" >&2
  fi
fi
