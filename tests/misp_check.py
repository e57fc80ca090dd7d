#!/usr/bin/env python3
"""misp_check.py - checks a MISP event file against the MISP core format.

    python3 tests/misp_check.py FILE

Written for the tests from the text of the MISP core format
(draft-dulaunoy-misp-core-format, sections Event, Orgc, Attribute, Tag)
and the MISP taxonomies "tlp" and "rsit" (machine tags).  Standard
library only.  Exit status 0 when FILE is an event that MISP imports as
it is, 1 with one line per fault otherwise.

Enforced: every member the format says MUST be present (with its JSON
type: most numbers travel as strings), the enumerations (threat level,
analysis, distribution), the UUIDs (unique among attributes), every
attribute's category/type pair from the format's table, the value
syntax of the common types, and the tags' machine-tag syntax with the
tlp and rsit vocabularies.  Not required: the instance-local numeric
identifiers (id, org_id, orgc_id, event_id, Tag id), which an importing
instance assigns and MISP's own feeds leave out; when present they must
be decimal strings.
"""
import datetime
import ipaddress
import json
import re
import sys

# The format's table of valid category -> types (Attribute, "type").
CATEGORIES = {
    "Antivirus detection": "link comment text hex attachment other anonymised",
    "Artifacts dropped": (
        "md5 sha1 sha224 sha256 sha384 sha512 sha512/224 sha512/256 sha3-224 "
        "sha3-256 sha3-384 sha3-512 ssdeep imphash telfhash impfuzzy authentihash "
        "vhash cdhash filename filename|md5 filename|sha1 filename|sha224 "
        "filename|sha256 filename|sha384 filename|sha512 filename|sha512/224 "
        "filename|sha512/256 filename|sha3-224 filename|sha3-256 filename|sha3-384 "
        "filename|sha3-512 filename|authentihash filename|vhash filename|ssdeep "
        "filename|tlsh filename|imphash filename|impfuzzy filename|pehash regkey "
        "regkey|value pattern-in-file pattern-in-memory filename-pattern pdb "
        "stix2-pattern yara sigma attachment malware-sample named_pipe mutex "
        "process-state windows-scheduled-task windows-service-name "
        "windows-service-displayname comment text hex x509-fingerprint-sha1 "
        "x509-fingerprint-md5 x509-fingerprint-sha256 other cookie gene "
        "kusto-query mime-type anonymised pgp-public-key pgp-private-key"),
    "Attribution": (
        "threat-actor campaign-name campaign-id whois-registrant-phone "
        "whois-registrant-email whois-registrant-name whois-registrant-org "
        "whois-registrar whois-creation-date comment text x509-fingerprint-sha1 "
        "x509-fingerprint-md5 x509-fingerprint-sha256 other dns-soa-email "
        "anonymised email"),
    "External analysis": (
        "md5 sha1 sha256 sha3-224 sha3-256 sha3-384 sha3-512 filename "
        "filename|md5 filename|sha1 filename|sha256 filename|sha3-224 "
        "filename|sha3-256 filename|sha3-384 filename|sha3-512 ip-src ip-dst "
        "ip-dst|port ip-src|port mac-address mac-eui-64 hostname domain domain|ip "
        "url user-agent regkey regkey|value AS snort bro zeek pattern-in-file "
        "pattern-in-traffic pattern-in-memory filename-pattern vulnerability cpe "
        "weakness attachment malware-sample link comment text "
        "x509-fingerprint-sha1 x509-fingerprint-md5 x509-fingerprint-sha256 "
        "ja3-fingerprint-md5 jarm-fingerprint hassh-md5 hasshserver-md5 "
        "github-repository other cortex anonymised community-id dom-hash "
        "onion-address"),
    "Financial fraud": (
        "btc dash xmr iban bic bank-account-nr aba-rtn bin cc-number prtn "
        "phone-number comment text other hex anonymised"),
    "Internal reference": "text link comment other hex anonymised git-commit-id",
    "Network activity": (
        "ip-src ip-dst ip-dst|port ip-src|port port hostname domain domain|ip "
        "mac-address mac-eui-64 email email-dst email-src eppn url uri user-agent "
        "http-method AS snort pattern-in-file filename-pattern stix2-pattern "
        "pattern-in-traffic attachment comment text x509-fingerprint-md5 "
        "x509-fingerprint-sha1 x509-fingerprint-sha256 ja3-fingerprint-md5 "
        "jarm-fingerprint hassh-md5 hasshserver-md5 other hex cookie "
        "hostname|port bro zeek anonymised community-id email-subject "
        "favicon-mmh3 dkim dkim-signature ssh-fingerprint dom-hash onion-address"),
    "Other": (
        "comment text other size-in-bytes counter integer datetime cpe port float "
        "hex phone-number boolean anonymised pgp-public-key pgp-private-key uuid"),
    "Payload delivery": (
        "md5 sha1 sha224 sha256 sha384 sha512 sha512/224 sha512/256 sha3-224 "
        "sha3-256 sha3-384 sha3-512 ssdeep imphash telfhash impfuzzy authentihash "
        "vhash pehash tlsh cdhash filename filename|md5 filename|sha1 "
        "filename|sha224 filename|sha256 filename|sha384 filename|sha512 "
        "filename|sha512/224 filename|sha512/256 filename|sha3-224 "
        "filename|sha3-256 filename|sha3-384 filename|sha3-512 "
        "filename|authentihash filename|vhash filename|ssdeep filename|tlsh "
        "filename|imphash filename|impfuzzy filename|pehash mac-address "
        "mac-eui-64 ip-src ip-dst ip-dst|port ip-src|port hostname domain email "
        "email-src email-dst email-subject email-attachment email-body url "
        "user-agent AS pattern-in-file pattern-in-traffic filename-pattern "
        "stix2-pattern yara sigma mime-type attachment malware-sample link "
        "malware-type comment text hex vulnerability cpe weakness "
        "x509-fingerprint-sha1 x509-fingerprint-md5 x509-fingerprint-sha256 "
        "ja3-fingerprint-md5 jarm-fingerprint hassh-md5 hasshserver-md5 other "
        "hostname|port email-dst-display-name email-src-display-name email-header "
        "email-reply-to email-x-mailer email-mime-boundary email-thread-index "
        "email-message-id azure-application-id mobile-application-id "
        "chrome-extension-id whois-registrant-email anonymised onion-address"),
    "Payload installation": (
        "md5 sha1 sha224 sha256 sha384 sha512 sha512/224 sha512/256 sha3-224 "
        "sha3-256 sha3-384 sha3-512 ssdeep imphash telfhash impfuzzy authentihash "
        "vhash pehash tlsh cdhash filename filename|md5 filename|sha1 "
        "filename|sha224 filename|sha256 filename|sha384 filename|sha512 "
        "filename|sha512/224 filename|sha512/256 filename|sha3-224 "
        "filename|sha3-256 filename|sha3-384 filename|sha3-512 "
        "filename|authentihash filename|vhash filename|ssdeep filename|tlsh "
        "filename|imphash filename|impfuzzy filename|pehash pattern-in-file "
        "pattern-in-traffic pattern-in-memory filename-pattern stix2-pattern yara "
        "sigma vulnerability cpe weakness attachment malware-sample malware-type "
        "comment text hex x509-fingerprint-sha1 x509-fingerprint-md5 "
        "x509-fingerprint-sha256 azure-application-id mobile-application-id "
        "chrome-extension-id other mime-type anonymised"),
    "Payload type": "comment text other anonymised",
    "Persistence mechanism": "filename regkey regkey|value comment text other hex anonymised",
    "Person": (
        "first-name middle-name last-name full-name date-of-birth place-of-birth "
        "gender passport-number passport-country passport-expiration "
        "redress-number nationality visa-number issue-date-of-the-visa "
        "primary-residence country-of-residence special-service-request "
        "frequent-flyer-number travel-details payment-details "
        "place-port-of-original-embarkation place-port-of-clearance "
        "place-port-of-onward-foreign-destination "
        "passenger-name-record-locator-number comment text other phone-number "
        "identity-card-number anonymised email pgp-public-key pgp-private-key"),
    "Social network": (
        "github-username github-repository github-organisation jabber-id "
        "twitter-id email email-src email-dst eppn comment text other "
        "whois-registrant-email anonymised pgp-public-key pgp-private-key"),
    "Support Tool": "link text attachment comment other hex anonymised",
    "Targeting data": (
        "target-user target-email target-machine target-org target-location "
        "target-external comment anonymised"),
}
# "named pipe" is the one type with a space; the table above spells it
# with "_" so that split() keeps it whole.
ALLOWED = {c: set(t.replace("named_pipe", "named pipe").split())
           for c, t in CATEGORIES.items()}

# The MISP taxonomies' machine tags the export uses.
TLP = {"clear", "green", "amber", "amber+strict", "red"}
RSIT = {
    "abusive-content": "spam harmful-speech violence",
    "malicious-code": "infected-system c2-server malware-distribution malware-configuration",
    "information-gathering": "scanner sniffing social-engineering",
    "intrusion-attempts": "ids-alert brute-force exploit",
    "intrusions": ("privileged-account-compromise unprivileged-account-compromise "
                   "application-compromise system-compromise burglary"),
    "availability": "dos ddos misconfiguration sabotage outage",
    "information-content-security": ("unauthorised-information-access "
                                      "unauthorised-information-modification "
                                      "data-loss data-leak"),
    "fraud": "unauthorised-use-of-resources copyright masquerade phishing",
    "vulnerable": ("weak-crypto ddos-amplifier potentially-unwanted-accessible "
                   "information-disclosure vulnerable-system"),
    "other": "other undetermined",
    "test": "test",
}

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DECIMAL = re.compile(r"^(0|[1-9][0-9]*)$")
HEX = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96,
       "sha512": 128, "sha3-256": 64, "sha3-512": 128,
       "x509-fingerprint-md5": 32, "x509-fingerprint-sha1": 40,
       "x509-fingerprint-sha256": 64}
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+"
                    r"[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$", re.I)


class Check:
    def __init__(self):
        self.faults = []

    def fault(self, where, what):
        self.faults.append(f"{where}: {what}")

    def member(self, obj, key, kind, where, required=True):
        """obj[key] of JSON type kind (str, bool, list, dict); None if absent."""
        if key not in obj:
            if required:
                self.fault(where, f"{key} MUST be present")
            return None
        v = obj[key]
        if type(v) is not kind:
            self.fault(where, f"{key} is {type(v).__name__}, not {kind.__name__}")
            return None
        return v

    def enum(self, obj, key, values, where):
        v = self.member(obj, key, str, where)
        if v is not None and v not in values:
            self.fault(where, f"{key} {v!r} is not one of {sorted(values)}")
        return v

    def decimal(self, obj, key, where, required=True):
        v = self.member(obj, key, str, where, required)
        if v is not None and not DECIMAL.match(v):
            self.fault(where, f"{key} {v!r} is not a decimal string")
        return v

    def uuid(self, obj, key, where):
        v = self.member(obj, key, str, where)
        if v is not None and not UUID.match(v):
            self.fault(where, f"{key} {v!r} is not an RFC 4122 UUID in lower case")
        return v

    def local_ids(self, obj, keys, where):
        for k in keys:
            if k in obj:
                self.decimal(obj, k, where)

    def tags(self, obj, where):
        tags = self.member(obj, "Tag", list, where, required=False) or []
        names = []
        for i, t in enumerate(tags):
            w = f"{where}.Tag[{i}]"
            if type(t) is not dict:
                self.fault(w, "not an object")
                continue
            name = self.member(t, "name", str, w)
            colour = self.member(t, "colour", str, w, required=False)
            if colour is not None and not re.match(r"^#[0-9a-fA-F]{6}$", colour):
                self.fault(w, f"colour {colour!r} is not #rrggbb")
            self.member(t, "exportable", bool, w, required=False)
            self.local_ids(t, ["id"], w)
            if name is not None:
                self.machine_tag(name, w)
                names.append(name)
        if len(set(names)) != len(names):
            self.fault(where, "a tag is given twice")
        return names

    def machine_tag(self, name, where):
        if name.startswith("tlp:"):
            if name[4:] not in TLP:
                self.fault(where, f"{name!r} is not a TLP 2.0 tag of the tlp taxonomy")
        elif name.startswith("rsit:"):
            m = re.match(r'^rsit:([a-z-]+)="([a-z0-9-]+)"$', name)
            if not m or m.group(2) not in RSIT.get(m.group(1), "").split():
                self.fault(where, f"{name!r} is not a tag of the rsit taxonomy")

    def value(self, a, where):
        t, v = a.get("type"), a.get("value")
        if type(v) is not str or type(t) is not str:
            return
        if not v:
            self.fault(where, "value is empty")
        elif t in ("ip-src", "ip-dst"):
            try:
                ipaddress.ip_network(v, strict=False)
            except ValueError:
                self.fault(where, f"{t} {v!r} is not an address or a network")
        elif t in HEX:
            if not re.match(r"^[0-9a-f]{%d}$" % HEX[t], v):
                self.fault(where, f"{t} {v!r} is not {HEX[t]} lower-case hex digits")
        elif t in ("domain", "hostname"):
            if not DOMAIN.match(v):
                self.fault(where, f"{t} {v!r} is not a domain name")
        elif t in ("email", "email-src", "email-dst"):
            if not re.match(r"^[^@\s]+@[^@\s]+$", v):
                self.fault(where, f"{t} {v!r} is not an e-mail address")
        elif t == "url":
            if re.search(r"\s", v):
                self.fault(where, f"url {v!r} holds white space")
        elif t == "vulnerability":
            if not re.match(r"^CVE-[0-9]{4}-[0-9]{4,}$", v):
                self.fault(where, f"vulnerability {v!r} is not a CVE name")

    def attribute(self, a, where):
        if type(a) is not dict:
            self.fault(where, "not an object")
            return None
        u = self.uuid(a, "uuid", where)
        cat = self.member(a, "category", str, where)
        typ = self.member(a, "type", str, where)
        if cat is not None and cat not in ALLOWED:
            self.fault(where, f"category {cat!r} is not one of the format's")
        elif cat is not None and typ is not None and typ not in ALLOWED[cat]:
            self.fault(where, f"type {typ!r} is not valid in category {cat!r}")
        self.member(a, "value", str, where)
        self.member(a, "to_ids", bool, where)
        self.decimal(a, "timestamp", where)
        dist = self.enum(a, "distribution", {"0", "1", "2", "3", "4", "5"}, where)
        self.sharing_group(a, dist, where)
        self.member(a, "deleted", bool, where)
        self.member(a, "comment", str, where, required=False)
        self.member(a, "disable_correlation", bool, where, required=False)
        self.local_ids(a, ["id", "event_id", "object_id"], where)
        self.value(a, where)
        self.tags(a, where)
        return u

    def sharing_group(self, obj, dist, where):
        sg = self.decimal(obj, "sharing_group_id", where, required=dist == "4")
        if sg is not None and dist != "4" and sg != "0":
            self.fault(where, "sharing_group_id MUST be \"0\" when distribution is not 4")

    def event(self, ev):
        w = "Event"
        self.uuid(ev, "uuid", w)
        self.member(ev, "published", bool, w)
        info = self.member(ev, "info", str, w)
        if info is not None and (len(info) > 256 or "\n" in info or not info):
            self.fault(w, "info SHOULD be one line of at most 256 characters")
        self.enum(ev, "threat_level_id", {"1", "2", "3", "4"}, w)
        self.enum(ev, "analysis", {"0", "1", "2"}, w)
        date = self.member(ev, "date", str, w)
        if date is not None:
            try:
                datetime.date.fromisoformat(date)
                if len(date) != 10:
                    raise ValueError
            except ValueError:
                self.fault(w, f"date {date!r} is not YYYY-MM-DD")
        ts = self.decimal(ev, "timestamp", w)
        self.decimal(ev, "publish_timestamp", w)
        dist = self.enum(ev, "distribution", {"0", "1", "2", "3", "4"}, w)
        self.sharing_group(ev, dist, w)
        self.local_ids(ev, ["id", "org_id", "orgc_id"], w)
        ext = self.member(ev, "extends_uuid", str, w, required=False)
        if ext and not UUID.match(ext):
            self.fault(w, f"extends_uuid {ext!r} is not a UUID")
        orgc = self.member(ev, "Orgc", dict, w)
        if orgc is not None:
            self.uuid(orgc, "uuid", "Event.Orgc")
            self.member(orgc, "name", str, "Event.Orgc")
            self.local_ids(orgc, ["id"], "Event.Orgc")
        self.tags(ev, w)
        attrs = self.member(ev, "Attribute", list, w, required=False) or []
        seen, triples = set(), set()
        for i, a in enumerate(attrs):
            u = self.attribute(a, f"Event.Attribute[{i}]")
            if u is not None and u in seen:
                self.fault(f"Event.Attribute[{i}]", f"uuid {u} is given twice")
            seen.add(u)
            if type(a) is dict:
                triple = (a.get("category"), a.get("type"), a.get("value"))
                if triple in triples:
                    self.fault(f"Event.Attribute[{i}]", "MISP refuses a second "
                               "attribute of one category, type and value")
                triples.add(triple)
                if ts is not None and DECIMAL.match(a.get("timestamp", "")) and \
                        int(a["timestamp"]) > int(ts):
                    self.fault(f"Event.Attribute[{i}]", "later than the event's timestamp")
        count = self.decimal(ev, "attribute_count", w, required=False)
        if count is not None and int(count) != len(attrs):
            self.fault(w, f"attribute_count {count} but {len(attrs)} attributes")


def main(argv):
    if len(argv) != 2:
        print("usage: misp_check.py FILE", file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{argv[1]}: {e}")
        return 1
    c = Check()
    if type(doc) is not dict or set(doc) != {"Event"} or type(doc["Event"]) is not dict:
        c.fault("top", 'the document MUST be {"Event": {...}}')
    else:
        c.event(doc["Event"])
    for f in c.faults:
        print(f"{argv[1]}: {f}")
    return 1 if c.faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
