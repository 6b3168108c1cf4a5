#!/usr/bin/env python3
"""git merge driver for .resx: merge <data> entries by name. Usage: resx-merge.py %O %A %B (writes %A)."""
import sys, re
base, ours, theirs = sys.argv[1:4]
ENTRY = re.compile(r'  <data name="([^"]*)"[^>]*>.*?</data>\n', re.S)
def entries(path):
    s = open(path, encoding='utf-8-sig').read()
    ms = list(ENTRY.finditer(s))
    return s, {m.group(1): m.group(0) for m in ms}, [m.group(1) for m in ms]
_, b, _ = entries(base)
os_, o, oorder = entries(ours)
_, t, torder = entries(theirs)
out = []
for n in oorder:
    if n in b and n not in t and o[n] == b[n]: continue          # deleted by theirs
    out.append(t[n] if n in t and o[n] == b.get(n) else o[n])     # changed by theirs only
seen = set(oorder)
out += [t[n] for n in torder if n not in seen and n not in b]      # added by theirs
cut = os_.index('  <data name=') if '  <data name=' in os_ else os_.rindex('</root>')
open(ours, 'w', encoding='utf-8').write(os_[:cut] + ''.join(out) + '</root>\n')
