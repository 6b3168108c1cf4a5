"""Markdown rows of bench/instances_live.js's JSON (stdin), for bench/instances.sh's report."""
import json
import sys

r = json.load(sys.stdin)
if "error" in r:
    print(f"| – | {r['error']} | | | | | |")
for t in r.get("tabs", []):
    after = t.get("filterAfter")
    print(f"| {t['page']} | {'yes' if t['recovered'] else 'NO'} | {t['seconds']:.1f} | {t['url']} | {' → '.join(t['servedBy'])} | "
          f"{t['filterBefore']:.0f} / {'–' if after is None else f'{after:.0f}'} | {'; '.join(t['errors']) or 'none'} |")
