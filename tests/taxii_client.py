#!/usr/bin/env python3
"""taxii_client.py - a TAXII 2.1 client for the tests (Python standard
library only): one request, or a walk through every page of a
collection's objects by `next`.

  taxii_client.py [OPTIONS] get PATH
      prints {"status", "headers" (lower-case names), "body"} as JSON;
      body is the parsed JSON, or the text when it is none
  taxii_client.py [OPTIONS] walk PATH [--limit N] [--query Q] [--pause S]
      GETs PATH?limit=N&Q, then each next page until more is false;
      prints each object's "id version" (one a line), and fails (exit 1)
      when a page is refused, an object comes twice, or date_added goes
      backwards

OPTIONS: --port P (127.0.0.1:P), --cafile CRT (the console's
certificate, pinned: the chain is verified, not the host name),
--user U --secret S (HTTP Basic) or --bearer S, --accept A,
--method M, --header 'Name: value' (repeatable).
"""
import argparse
import base64
import http.client
import json
import ssl
import sys
import time
import urllib.parse


def connect(a):
    ctx = ssl.create_default_context(cafile=a.cafile)
    ctx.check_hostname = False
    return http.client.HTTPSConnection("127.0.0.1", a.port, context=ctx, timeout=30)


def headers(a):
    h = {"Accept": a.accept} if a.accept is not None else {}
    if a.bearer:
        h["Authorization"] = "Bearer " + a.bearer
    elif a.user is not None:
        raw = (a.user + ":" + (a.secret or "")).encode()
        h["Authorization"] = "Basic " + base64.b64encode(raw).decode()
    for line in a.header or []:
        k, v = line.split(":", 1)
        h[k.strip()] = v.strip()
    return h


def request(a, path):
    c = connect(a)
    body = b"{}" if a.method in ("POST", "PUT") else None
    c.request(a.method, path, body=body, headers=headers(a))
    r = c.getresponse()
    raw = r.read()
    hs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = raw.decode("utf-8", "replace")
    return r.status, hs, parsed


def walk(a):
    seen, last_added, pages = set(), None, 0
    q = {"limit": str(a.limit)}
    extra = urllib.parse.parse_qsl(a.query or "")
    while True:
        query = urllib.parse.urlencode(list(q.items()) + extra)
        status, hs, body = request(a, a.path + "?" + query)
        pages += 1
        if status != 200:
            print("page %d: %d %s" % (pages, status, body), file=sys.stderr)
            return 1
        for o in body.get("objects", []):
            key = (o["id"], o.get("modified", o.get("created", "")))
            if key in seen:
                print("twice: %s %s" % key, file=sys.stderr)
                return 1
            seen.add(key)
            print("%s %s" % key)
        first = hs.get("x-taxii-date-added-first")
        if first is not None and last_added is not None and first <= last_added:
            print("date_added went back: %s after %s" % (first, last_added), file=sys.stderr)
            return 1
        if hs.get("x-taxii-date-added-last"):
            last_added = hs["x-taxii-date-added-last"]
        if len(body.get("objects", [])) > a.limit:
            print("page of %d past limit %d" % (len(body["objects"]), a.limit), file=sys.stderr)
            return 1
        if not body.get("more"):
            print("pages: %d" % pages, file=sys.stderr)
            return 0
        q = {"limit": str(a.limit), "next": body["next"]}
        if a.pause:
            time.sleep(a.pause)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--user")
    p.add_argument("--secret")
    p.add_argument("--bearer")
    p.add_argument("--accept", default="application/taxii+json;version=2.1")
    p.add_argument("--method", default="GET")
    p.add_argument("--header", action="append")
    p.add_argument("what", choices=["get", "walk"])
    p.add_argument("path")
    p.add_argument("--limit", type=int, default=2)
    p.add_argument("--query")
    p.add_argument("--pause", type=float, default=0)
    a = p.parse_args()
    if a.what == "walk":
        sys.exit(walk(a))
    status, hs, body = request(a, a.path)
    json.dump({"status": status, "headers": hs, "body": body}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
