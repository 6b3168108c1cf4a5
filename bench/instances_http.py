#!/usr/bin/env python3
"""HTTP steps of bench/instances.sh, as a browser does them.

  instances_http.py signin BASE EMAIL PASSWORD   -> prints the Cookie header of the signed-in browser
  instances_http.py status BASE PATH COOKIE       -> prints the status of GET PATH with that cookie (no redirects followed)
  instances_http.py signout BASE COOKIE           -> signs out as the Sign out button does (form with antiforgery token)
  instances_http.py until BASE PATH COOKIE STATUS SECONDS -> polls GET PATH until it answers STATUS; prints the seconds it took
"""
import http.client
import http.cookies
import re
import sys
import time
import urllib.parse


def request(base, method, path, body=None, cookie="", headers=None):
    u = urllib.parse.urlparse(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = cookie
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
        h["Sec-Fetch-Site"] = "same-origin"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read().decode("utf-8", "replace")
    jar = {}
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            sc = http.cookies.SimpleCookie()
            sc.load(v)
            for name, m in sc.items():
                jar[name] = m.value
    c.close()
    return r.status, data, jar


def merge(cookie, jar):
    d = dict(p.split("=", 1) for p in cookie.split("; ") if "=" in p)
    d.update(jar)
    return "; ".join(f"{k}={v}" for k, v in d.items() if v)


def inputs(page):
    out = []
    for tag in re.findall(r"<input\b[^>]*>", page):
        get = lambda a: (m.group(1) if (m := re.search(rf'\s{a}="([^"]*)"', tag)) else None)
        if get("name"):
            out.append((unescape(get("name")), unescape(get("value") or ""), get("id")))
    return out


def unescape(s):
    import html
    return html.unescape(s)


def signin(base, email, password):
    status, page, jar = request(base, "GET", "/account/login")
    form = {n: {"email": email, "password": password}.get(i or "", v) for n, v, i in inputs(page)}
    status, _, signed = request(base, "POST", "/account/login", urllib.parse.urlencode(form), merge("", jar))
    if status != 302:
        sys.exit(f"sign-in answered {status}")
    return merge(merge("", jar), signed)


def signout(base, cookie):
    status, page, jar = request(base, "GET", "/settings", cookie=cookie)
    if status != 200:
        sys.exit(f"/settings answered {status}")
    token = next(v for n, v, _ in inputs(page) if n == "__RequestVerificationToken")
    status, _, _ = request(base, "POST", "/account/logout", urllib.parse.urlencode({"__RequestVerificationToken": token}), merge(cookie, jar))
    if status not in (302, 303):
        sys.exit(f"sign-out answered {status}")


cmd, base = sys.argv[1], sys.argv[2]
if cmd == "signin":
    print(signin(base, sys.argv[3], sys.argv[4]))
elif cmd == "status":
    print(request(base, "GET", sys.argv[3], cookie=sys.argv[4])[0])
elif cmd == "signout":
    signout(base, sys.argv[3])
elif cmd == "until":
    path, cookie, want, limit = sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6])
    t0 = time.perf_counter()
    while True:
        if request(base, "GET", path, cookie=cookie)[0] == want:
            print(f"{time.perf_counter() - t0:.3f}")
            break
        if time.perf_counter() - t0 > limit:
            print(f">{limit:g}")
            break
        time.sleep(0.02)
