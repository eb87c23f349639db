#!/usr/bin/env python3
"""bin/chaos: proves that the packaged default run loses and doubles nothing while its processes and vendors fail.

Run through bin/chaos (which builds the jar when needed); docs/reliability.md explains the layout, the options and
the table. Everything expected is computed here, from what was sent and from the price books' rules, never read
back from the hub.
"""
import argparse
import base64
import calendar
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from decimal import Decimal, ROUND_HALF_UP, ROUND_UP

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
JAR = os.path.join(ROOT, "devrun", "target", "quarkus-app", "quarkus-run.jar")
LIB = os.path.join(ROOT, "devrun", "target", "quarkus-app", "lib", "main", "*")
FAULTS = ["kill", "postgres", "broker", "stripe", "netsuite"]
ADMIN = ("admin", "admin-secret")
FINANCE = ("finance", "finance-secret")
# The sandboxes rate-limit per API key (Chargebee 150 calls a minute): chaos reads with keys of its own, so that
# watching never eats the hub's budget. Their state is shared by all keys.
STRIPE_KEY = "sk_test_chaos_observer"
CHARGEBEE_KEY = "chaos_observer"
SOURCE, SECRET = "demo", "demo-secret"
RAW_TOPIC = "meterbridge.events.raw"

# The demo price book (devrun/demo/price-books/demo-2026.yaml), restated: the expectation must not come from the hub.
PRICES = {
    "api_requests": {"model": "GRADUATED", "tiers": [(100000, "0.0010"), (1000000, "0.0008"), (None, "0.0005")],
                     "minimum": "50.00", "version": "api-requests-2026-v1", "unit": "request"},
    "active_users": {"model": "VOLUME", "tiers": [(100, "2.00"), (1000, "1.50"), (None, "1.00")],
                     "version": "active-users-2026-v1", "unit": "user"},
    "storage_gb_peak": {"model": "PACKAGE", "block": 100, "price": "4.00", "version": "storage-2026-v1", "unit": "GB"},
    "feature_runs": {"model": "PER_UNIT", "price": "0.25", "credits": True, "version": "feature-runs-2026-v1",
                     "unit": "run"},
}
CENT = Decimal("0.01")  # USD: scale 2, HALF_UP (mappings/price-books/currencies.yaml)
ADDITIVE = ("api_requests", "feature_runs")  # metrics whose units add up: what "lost" and "twice" count

# (billing system, mode, ERP): cycled over the customers, so every 6 customers cover every combination.
PROFILES = [("stripe", "HUB_RATES", "netsuite"), ("stripe", "HUB_RATES", "business-central"),
            ("chargebee", "HUB_RATES", "netsuite"), ("chargebee", "HUB_RATES", "business-central"),
            ("chargebee", "PLATFORM_RATES", "netsuite"), ("stripe", "PLATFORM_RATES", "business-central")]
# Sizes cycled over the customers so that tiers, blocks, commitments, minimums and credits are all crossed.
SHAPES = [dict(max_count=200, users=20, max_gb=80, committed=None, credits=None),
          dict(max_count=2000, users=150, max_gb=450, committed=50000, credits="3.00"),
          dict(max_count=8000, users=1200, max_gb=2500, committed=200000, credits=None)]


def log(msg):
    print(f"[chaos {datetime.now(timezone.utc).strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- HTTP

def http(method, url, body=None, auth=None, bearer=None, headers=None, timeout=30, form=False):
    """(status, parsed JSON or text); status 0 when the server cannot be reached."""
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif isinstance(body, (bytes, str)):
            data = body.encode() if isinstance(body, str) else body
        else:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
    if auth:
        hdrs["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    if bearer:
        hdrs["Authorization"] = "Bearer " + bearer
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read().decode()
            status = resp.status
    except urllib.error.HTTPError as e:
        text, status = e.read().decode(errors="replace"), e.code
    except (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError, OSError):
        return 0, None
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def read(url, **kw):
    """GET that insists: a vendor's 429 or a hiccup must not read as "nothing there"."""
    for attempt in range(10):
        status, body = http("GET", url, **kw)
        if status == 200:
            return body
        time.sleep(1 + attempt)
    raise RuntimeError(f"GET {url} kept failing (last status {status}): {str(body)[:200]}")


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def await_true(what, check, timeout, interval=1.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return True
        time.sleep(interval)
    log(f"gave up waiting for {what} after {timeout:.0f} s")
    return False


# ---------------------------------------------------------------- processes

class Processes:
    """The five processes of the split default run; each can be killed, stopped and started alone."""

    def __init__(self, work, base_port):
        self.work = work
        p = base_port
        self.ports = dict(hub=p, hub_jolokia=p + 1, sandboxes=p + 2, sandboxes_jolokia=p + 3, sandboxes_kafka=p + 4,
                          sandboxes_postgres=p + 5, kafka=p + 6, postgres=p + 7)
        busy = [f"{k}={v}" for k, v in self.ports.items() if port_open(v)]
        if busy:
            sys.exit(f"chaos: ports in use: {', '.join(busy)} (choose others with --base-port)")
        self.procs = {}
        self.hub_url = f"http://127.0.0.1:{self.ports['hub']}"
        self.sandbox_url = f"http://127.0.0.1:{self.ports['sandboxes']}/sandbox"

    def _start(self, name, env, props, heap):
        environment = {k: v for k, v in os.environ.items() if k != "QUARKUS_PROFILE"}
        environment.update(env)
        out = open(os.path.join(self.work, f"{name}.log"), "ab")
        cmd = ["java", f"-Xmx{heap}"] + [f"-D{k}={v}" for k, v in props.items()] + ["-jar", JAR]
        self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)

    def _ready_lines(self, name):
        with open(os.path.join(self.work, f"{name}.log"), errors="replace") as f:
            return sum(1 for line in f if line.startswith("Engine mode:"))

    def _start_engine(self, name, port_env, heap):
        # Ready is the engine's own line (printed once its stop hook is in place), not only the open port.
        before = self._ready_lines(name) if os.path.exists(os.path.join(self.work, f"{name}.log")) else 0
        self._start(name, {"HUB_DEVRUN_MODE": name, "HUB_DATA_DIR": os.path.join(self.work, "engines"),
                           port_env: str(self.ports[name])}, {}, heap)
        return await_true(name, lambda: port_open(self.ports[name]) and self._ready_lines(name) > before, 120, 0.2)

    def start_postgres(self):
        return self._start_engine("postgres", "HUB_EMBEDDED_POSTGRES_PORT", "128m")

    def start_kafka(self):
        return self._start_engine("kafka", "HUB_EMBEDDED_KAFKA_PORT", "512m")

    def start_sandboxes(self):
        # A second default run, with engines of its own and no Camel routes: only its /sandbox/* endpoints are used,
        # so the vendors' state survives every fault of the hub. Their webhooks go to the hub under test.
        hub = self.hub_url
        self._start("sandboxes", {"HUB_DATA_DIR": os.path.join(self.work, "sandboxes"),
                                  "HUB_EMBEDDED_KAFKA_PORT": str(self.ports["sandboxes_kafka"]),
                                  "HUB_EMBEDDED_POSTGRES_PORT": str(self.ports["sandboxes_postgres"])},
                    {"quarkus.http.port": self.ports["sandboxes"],
                     "quarkus.camel.jolokia.server.port": self.ports["sandboxes_jolokia"],
                     "camel.main.auto-startup": "false",
                     "hub.sandbox.stripe.webhook-url": f"{hub}/api/v1/webhooks/stripe",
                     "hub.sandbox.chargebee.webhook-url": f"{hub}/api/v1/webhooks/chargebee"}, "768m")
        return await_true("the sandboxes", lambda: http("GET", f"{self.sandbox_url}/stripe/_sandbox/stats")[0] == 200,
                          180)

    def start_hub(self):
        s = self.sandbox_url
        self._start("hub", {"HUB_DEVRUN_MODE": "hub", "HUB_EMBEDDED_KAFKA_PORT": str(self.ports["kafka"]),
                            "HUB_EMBEDDED_POSTGRES_PORT": str(self.ports["postgres"])},
                    {"quarkus.http.port": self.ports["hub"], "quarkus.camel.jolokia.server.port": self.ports["hub_jolokia"],
                     "hub.billing.stripe.base-url": f"{s}/stripe", "hub.billing.chargebee.base-url": f"{s}/chargebee",
                     "hub.crm.base-url": f"{s}/crm",
                     "hub.erp.netsuite.base-url": f"{s}/netsuite/services/rest/record/v1",
                     "hub.erp.bc.base-url": f"{s}/bc/v2.0", "hub.erp.bc.token-url": f"{s}/bc/oauth2/token"}, "1g")
        return self.await_hub(180)

    def await_hub(self, timeout):
        def ready():
            status, body = http("GET", f"{self.hub_url}/q/health/ready", timeout=5)
            return status == 200
        return await_true("the hub to be ready", ready, timeout)

    def signal(self, name, sig):
        proc = self.procs[name]
        proc.send_signal(sig)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop within 60 s: SIGKILL")
            proc.kill()
            proc.wait()

    def stop_all(self):
        for name in ["hub", "sandboxes", "kafka", "postgres"]:
            proc = self.procs.get(name)
            if proc and proc.poll() is None:
                self.signal(name, signal.SIGTERM)


# ---------------------------------------------------------------- load and expectations

class Plan:
    """Customers, contracts and events of one run, and what the hub must make of them."""

    def __init__(self, customers, events, seed, duplicate_share, raw_share):
        self.rng = random.Random(seed)
        now = datetime.now(timezone.utc)
        # The period that ended at midnight today (anchor day = today's day; BillingPeriod clamps it in short months,
        # as below): Stripe finalizes an invoice at most 72 h after its period ends, and usage of a period Stripe
        # has finalized is refused by the hub (dead letter for billing by hand), so a month that ended long ago
        # could not be billed on Stripe meters.
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.anchor_day = today.day
        previous = today.replace(day=1) - timedelta(days=1)
        self.period_start = previous.replace(day=min(today.day, calendar.monthrange(previous.year, previous.month)[1]))
        self.period_end = today
        self.run = f"ch{int(time.time())}"
        self.customers = []
        for i in range(customers):
            system, mode, erp = PROFILES[i % len(PROFILES)]
            shape = SHAPES[(i // len(PROFILES) + i) % len(SHAPES)]
            tenant = f"{self.run}-c{i:02d}"
            c = dict(index=i, tenant=tenant, system=system, mode=mode, erp=erp, shape=shape,
                     account=("cus_" if system == "stripe" else "cb_") + f"{self.run}c{i:02d}",
                     subscription=f"sub_{self.run}c{i:02d}" if system == "chargebee" else None,
                     erp_customer=f"C{i:02d}-{self.run[-8:]}", contract=f"{tenant}-usage",
                     metrics=list(PRICES) if mode == "HUB_RATES" else list(ADDITIVE),
                     usage={m: Decimal(0) for m in PRICES}, users=set(), peak_bytes=0, events=0)
            self.customers.append(c)
        days = (self.period_end - self.period_start).days
        self.events = []
        for n in range(events):
            c = self.customers[n % customers]
            at = self.period_start + timedelta(days=self.rng.randrange(days), hours=self.rng.randrange(24),
                                               minutes=self.rng.randrange(60))
            event = {"specversion": "1.0", "id": f"{self.run}-{n}", "source": SOURCE, "subject": c["tenant"],
                     "time": at.strftime("%Y-%m-%dT%H:%M:%SZ")}
            kind = self.rng.random()
            if kind < 0.6 or c["mode"] == "PLATFORM_RATES" and kind < 0.9:
                count = self.rng.randint(1, c["shape"]["max_count"])
                user = f"user{self.rng.randrange(c['shape']['users'])}@{c['tenant']}.example"
                event.update(type="api.request", data={"count": count, "endpoint": "GET /v1/orders", "user_id": user})
                c["usage"]["api_requests"] += count
                c["users"].add(user)
            elif kind < 0.75 and c["mode"] == "HUB_RATES":
                size = self.rng.randrange(1, c["shape"]["max_gb"] * 1000) * 1000000  # whole megabytes
                event.update(type="storage.usage", data={"bytes": size, "bucket": "media", "storage_class": "standard"})
                c["peak_bytes"] = max(c["peak_bytes"], size)
            else:
                event.update(type="feature.execution", data={"feature": "report", "duration_ms": 1200})
                c["usage"]["feature_runs"] += 1
            c["events"] += 1
            self.events.append(event)
        for c in self.customers:
            c["usage"]["active_users"] = Decimal(len(c["users"]))
            c["usage"]["storage_gb_peak"] = Decimal(c["peak_bytes"]) * Decimal("1E-9")
        # The send order: every event once, and a share again later, as a producer resending after a lost answer.
        order = list(range(events))
        resend = self.rng.sample(range(events), int(events * duplicate_share))
        for n in sorted(resend, reverse=True):
            order.insert(min(len(order), n + self.rng.randint(60, 600)), n)
        self.order = order
        self.resends = len(resend)
        self.raw_share = raw_share

    def by_tenant(self):
        return {c["tenant"]: c for c in self.customers}


def amount(metric, quantity):
    p = PRICES[metric]
    if p["model"] == "PER_UNIT":
        return quantity * Decimal(p["price"])
    if p["model"] == "GRADUATED":
        total, floor = Decimal(0), Decimal(0)
        for up_to, price in p["tiers"]:
            if quantity <= floor:
                break
            ceiling = quantity if up_to is None else min(Decimal(up_to), quantity)
            total += (ceiling - floor) * Decimal(price)
            floor = ceiling
        return total
    if p["model"] == "VOLUME":
        if quantity == 0:
            return Decimal(0)
        for up_to, price in p["tiers"]:
            if up_to is None or quantity <= up_to:
                return quantity * Decimal(price)
    if p["model"] == "PACKAGE":
        return (quantity / p["block"]).to_integral_value(rounding=ROUND_UP) * Decimal(p["price"])
    raise ValueError(metric)


def billable_amount(metric, usage, included):
    """The amount of the units above the included ones, each priced at its position in the tiers (issue 11's rule):
    graduated, the tiers from unit included+1 on; volume, the tier of the whole usage; package, blocks counted from
    the first billable unit; per unit, the same price everywhere."""
    billable = max(usage - included, Decimal(0))
    p = PRICES[metric]
    if p["model"] == "GRADUATED":
        return amount(metric, usage) - amount(metric, min(usage, included))
    if p["model"] == "VOLUME":
        if billable == 0:
            return Decimal(0)
        return amount(metric, usage) / usage * billable
    return amount(metric, billable)


def metric_lines(c):
    """Per metric, the invoice line in dollars: the billable usage priced and rounded once, credits, then the minimum."""
    lines = []
    credits = Decimal(c["shape"]["credits"] or 0)
    for metric in c["metrics"]:
        included = Decimal(c["shape"]["committed"] or 0) if metric == "api_requests" else Decimal(0)
        usage = billable_amount(metric, c["usage"][metric], included).quantize(CENT, rounding=ROUND_HALF_UP)
        line = usage
        if PRICES[metric].get("credits") and credits > 0 and usage > 0:
            applied = min(usage, credits)
            credits -= applied
            line -= applied
        minimum = PRICES[metric].get("minimum")
        if minimum and usage < Decimal(minimum):
            line += (Decimal(minimum) - usage).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append(line)
    return lines


def expected_invoice(c):
    """The invoice total in cents."""
    return int(sum(metric_lines(c), Decimal(0)) * 100)


def bc_number(posting_id, length):
    """Business Central's short document number of a posting (BusinessCentralPosting.number, restated)."""
    return ("MB" + hashlib.sha256(posting_id.encode()).hexdigest())[:length].upper()


def safe(value):
    """DeliveryIds.safe, restated: kept when in [A-Za-z0-9_-] and at most 64 characters, else replaced and hashed."""
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", value):
        return value
    readable = re.sub(r"[^A-Za-z0-9_-]", "_", value)[:53]
    return readable + "-" + hashlib.sha256(value.encode()).hexdigest()[:10]


# ---------------------------------------------------------------- the run

class Chaos:
    def __init__(self, args, procs, plan):
        self.args, self.procs, self.plan = args, procs, plan
        self.hub = procs.hub_url
        self.sandbox = procs.sandbox_url
        self.faults = []  # (name, seconds)
        self.acked = set()  # event indexes a 2xx (or a stored raw record) acknowledged
        self.sent_http = self.sent_raw = self.answered_dup = self.rejected = self.retries = 0
        self.stream_done = threading.Event()
        self.raw = None

    # -- master data
    def master_data(self):
        start = self.plan.period_start.strftime("%Y-%m-%dT%H:%M:%SZ")
        for c in self.plan.customers:
            customer = {"tenant": c["tenant"], "crmAccountId": f"001{self.plan.run}{c['index']:02d}",
                        "billingSystem": c["system"], "billingAccountId": c["account"], "erpSystem": c["erp"],
                        "erpCustomerId": c["erp_customer"], "currency": "USD", "timeZone": "UTC", "validFrom": start}
            contract = {"contractKey": c["contract"], "billingSystem": c["system"], "billingAccountId": c["account"],
                        "billingMode": c["mode"], "billingCycle": "MONTHLY", "anchorDay": self.plan.anchor_day, "timeZone": "UTC",
                        # A long grace period keeps the scheduled close away: chaos closes on demand.
                        "gracePeriod": "P60D", "validFrom": start, "metrics": []}
            if c["system"] == "stripe":
                # The longest finalization grace Stripe allows: the run reports the whole period after it ended.
                contract["finalizationGrace"] = "PT72H"
            if c["subscription"]:
                contract["billingSubscriptionId"] = c["subscription"]
            if c["shape"]["credits"] and c["mode"] == "HUB_RATES":
                contract["prepaidCredits"] = Decimal(c["shape"]["credits"])
            for metric in c["metrics"]:
                m = {"metric": metric, "unit": PRICES[metric]["unit"], "priceVersion": PRICES[metric]["version"]}
                if metric == "api_requests" and c["shape"]["committed"] and c["mode"] == "HUB_RATES":
                    # included units are free; the commitment only drives the CRM follow-ups
                    m["includedQuantity"] = c["shape"]["committed"]
                    m["committedQuantity"] = c["shape"]["committed"]
                if c["mode"] == "PLATFORM_RATES":
                    m["platformPriceRef"] = f"{metric}-{self.plan.run}" if c["system"] == "stripe" \
                        else f"{metric}-USD-monthly"
                contract["metrics"].append(m)
            for kind, body in (("customers", customer), ("contracts", contract)):
                status, answer = http("POST", f"{self.hub}/api/v1/admin/{kind}",
                                      json.loads(json.dumps(body, default=str)), auth=ADMIN)
                if status not in (200, 201):
                    sys.exit(f"chaos: the admin API refused {kind} of {c['tenant']}: {status} {answer}")
            if c["shape"]["credits"] and c["mode"] == "HUB_RATES":
                c["credits_sent"] = True
            else:
                c["shape"] = dict(c["shape"], credits=None)

    # -- sending
    def send_stream(self, duration):
        plan = self.plan
        batch_size = self.args.batch
        batches = [plan.order[i:i + batch_size] for i in range(0, len(plan.order), batch_size)]
        raw_batches = set(plan.rng.sample(range(len(batches)), int(len(batches) * plan.raw_share)))
        started = time.time()
        for b, batch in enumerate(batches):
            # Paced over the planned duration, so that every fault hits a stream in motion.
            wait = started + duration * b / len(batches) - time.time()
            if wait > 0:
                time.sleep(wait)
            body = json.dumps([plan.events[n] for n in batch], separators=(",", ":"))
            if b in raw_batches:
                self.send_raw(batch, body)
            else:
                self.send_http(batch, body)
        self.stream_done.set()

    def send_http(self, batch, body):
        while True:
            t = str(int(time.time()))
            sig = hmac.new(SECRET.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
            status, answer = http("POST", f"{self.hub}/api/v1/events", body,
                                  headers={"Content-Type": "application/cloudevents-batch+json",
                                           "Meterbridge-Source": SOURCE, "Meterbridge-Signature": f"t={t},v1={sig}"})
            if 200 <= status < 300:
                rejected = {r.get("id") for r in (answer or {}).get("rejected", [])}
                self.rejected += len(rejected)
                for n in batch:
                    if self.plan.events[n]["id"] not in rejected:
                        self.acked.add(n)
                self.answered_dup += (answer or {}).get("duplicates", 0)
                self.sent_http += len(batch)
                return
            if status == 400:
                log(f"a batch was refused: {str(answer)[:300]}")
                self.rejected += len(batch)
                return
            # 503 while PostgreSQL or Kafka is away, nothing while the hub is down: a producer retries.
            self.retries += 1
            time.sleep(0.5)

    def send_raw(self, batch, body):
        if self.raw is None:
            self.raw = subprocess.Popen(
                ["java", "-cp", LIB, os.path.join(ROOT, "bin", "lib", "ChaosRawProducer.java"),
                 f"127.0.0.1:{self.procs.ports['kafka']}", RAW_TOPIC, SOURCE, SECRET],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(os.path.join(self.procs.work, "raw.log"), "ab"),
                text=True, cwd=ROOT)
        self.raw.stdin.write(f"{self.plan.customers[0]['tenant']}\t{body}\n")
        self.raw.stdin.flush()
        answer = self.raw.stdout.readline().strip()
        if answer == "ok":
            self.acked.update(batch)
            self.sent_raw += len(batch)
        else:
            log(f"raw topic: {answer}")

    # -- faults
    def timed(self, name, action):
        started = time.time()
        action()
        seconds = time.time() - started
        self.faults.append((name, seconds))
        log(f"fault {name}: {seconds:.1f} s")

    def kill_hub(self):
        self.procs.signal("hub", signal.SIGKILL)
        if not self.procs.start_hub():
            raise SystemExit("chaos: the hub did not come back after SIGKILL")

    def stop_postgres(self):
        self.procs.signal("postgres", signal.SIGTERM)  # the engine's hook stops PostgreSQL: connections are refused
        time.sleep(max(0.0, self.args.outage - 0.5))
        self.procs.start_postgres()

    def restart_broker(self):
        self.procs.signal("kafka", signal.SIGTERM)
        self.procs.start_kafka()

    def stream_faults(self, enabled):
        """The faults that hit ingestion and metering, one after another while the stream runs."""
        steps = []
        if "kill" in enabled:
            steps.append(("hub SIGKILL #1", self.kill_hub))
        if "postgres" in enabled:
            steps.append((f"PostgreSQL stopped", self.stop_postgres))
        if "kill" in enabled:
            steps.append(("hub SIGKILL #2", self.kill_hub))
        if "broker" in enabled:
            steps.append(("Kafka broker restart", self.restart_broker))
        for name, action in steps:
            time.sleep(self.args.gap)
            self.timed(name, action)

    def planned_stream_seconds(self, enabled):
        estimate = {"kill": 2 * 25, "postgres": self.args.outage + 5, "broker": 15}
        steps = sum(estimate[f] for f in enabled if f in estimate)
        count = (2 if "kill" in enabled else 0) + ("postgres" in enabled) + ("broker" in enabled)
        return max(30, steps + self.args.gap * (count + 1))

    def sandbox_faults(self, sandbox, switches):
        status, answer = http("PUT", f"{self.sandbox}/{sandbox}/_sandbox/faults", switches)
        if status != 200:
            raise SystemExit(f"chaos: the {sandbox} sandbox refused {switches}: {status} {answer}")

    # -- reading the hub (only to know when to go on, and to show what it counted)
    def usage(self, c, metric):
        q = urllib.parse.urlencode({"subject": c["tenant"], "metric": metric, "window": "PERIOD",
                                    "from": self.plan.period_start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                    "to": self.plan.period_end.strftime("%Y-%m-%dT%H:%M:%SZ")})
        status, body = http("GET", f"{self.hub}/api/v1/usage?{q}", auth=FINANCE)
        if status != 200:
            return None
        return sum((Decimal(str(w["quantity"])) for w in body.get("windows", [])), Decimal(0))

    def all_usage(self):
        return {(c["tenant"], m): self.usage(c, m) for c in self.plan.customers for m in c["metrics"]}

    def await_metering(self, timeout, settle):
        """Until every figure is what was sent, or nothing has changed for `settle` seconds (a loss stays a loss)."""
        deadline, last, since = time.time() + timeout, None, time.time()
        while time.time() < deadline:
            now = self.all_usage()
            if all(now[(c["tenant"], m)] == c["usage"][m] for c in self.plan.customers for m in c["metrics"]):
                return now
            if now != last:
                last, since = now, time.time()
            elif time.time() - since > settle:
                log(f"metering has not changed for {settle} s: closing with what it has")
                return now
            time.sleep(3)
        log("metering did not settle in time")
        return last

    def close_periods(self):
        at = (self.plan.period_start + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for c in self.plan.customers:
            for attempt in range(60):
                status, body = http("POST", f"{self.hub}/api/v1/billing/periods/close",
                                    {"contractKey": c["contract"], "at": at}, auth=FINANCE)
                if status in (200, 201):
                    c["close"] = body
                    break
                time.sleep(2)
            else:
                log(f"closing {c['contract']} failed: {status} {body}")

    # -- reading the vendors (the end state that counts)
    def platform_state(self):
        state = {}
        totals = None
        for c in self.plan.customers:
            if c["mode"] == "HUB_RATES" and c["system"] == "stripe":
                body = read(f"{self.sandbox}/stripe/v1/invoices?customer={c['account']}&limit=100", bearer=STRIPE_KEY)
                invoices = [(i["id"], i.get("status"), i.get("total")) for i in (body or {}).get("data", [])]
                state[c["tenant"]] = invoices
            elif c["mode"] == "HUB_RATES":
                q = urllib.parse.quote("customer_id[is]")
                body = read(f"{self.sandbox}/chargebee/api/v2/invoices?{q}={c['account']}&limit=100",
                            auth=(CHARGEBEE_KEY, ""))
                invoices = [(e["invoice"]["id"], e["invoice"].get("status"), e["invoice"].get("total"))
                            for e in (body or {}).get("list", [])]
                state[c["tenant"]] = invoices
            elif c["system"] == "stripe":
                if totals is None:
                    totals = read(f"{self.sandbox}/stripe/_sandbox/meter-totals")
                sums = {}
                for t in totals or []:
                    if t.get("customer") == c["account"]:
                        metric = t.get("eventName", "").rsplit("-", 1)[0]
                        sums[metric] = sums.get(metric, Decimal(0)) + Decimal(str(t.get("value", t.get("total", 0))))
                state[c["tenant"]] = sums
            else:
                sums, offset = {}, None
                while True:
                    q = {"subscription_id[is]": c["subscription"], "limit": 100}
                    if offset:
                        q["offset"] = offset
                    body = read(f"{self.sandbox}/chargebee/api/v2/usages?{urllib.parse.urlencode(q)}",
                                auth=(CHARGEBEE_KEY, ""))
                    for e in (body or {}).get("list", []):
                        metric = e["usage"]["item_price_id"].replace("-USD-monthly", "")
                        sums[metric] = sums.get(metric, Decimal(0)) + Decimal(str(e["usage"]["quantity"]))
                    offset = (body or {}).get("next_offset")
                    if not offset:
                        break
                state[c["tenant"]] = sums
        return state

    def expected_postings(self, state):
        """Per hub-rated contract: the accrual at close, the invoice, and the accrual's reversal."""
        month = self.plan.period_start.strftime("%Y%m%d")
        postings = []
        for c in self.plan.customers:
            if c["mode"] != "HUB_RATES":
                continue
            invoices = state.get(c["tenant"]) or []
            invoice = f"mb-inv-{c['system']}-{safe(invoices[-1][0])}" if invoices else None
            for kind, pid in (("accrual", f"mb-accr-{safe(c['contract'])}-{month}"), ("invoice", invoice),
                              ("reversal", f"mb-accrrev-{safe(c['contract'])}-{month}")):
                postings.append((c, kind, pid))
        return postings

    def erp_state(self, postings):
        """(posted, duplicates) per expected posting, read from the ERP sandboxes' records."""
        ns = {}
        for kind in ("invoice", "journalEntry"):
            records = read(f"{self.sandbox}/netsuite/_sandbox/records?type={kind}")
            for r in records or []:
                ns[r.get("externalId")] = ns.get(r.get("externalId"), 0) + 1
        bc_invoices = read(f"{self.sandbox}/bc/_sandbox/records?type=salesInvoices")
        bc_gl = read(f"{self.sandbox}/bc/_sandbox/records?type=generalLedgerEntries")
        bc_inv = {}
        for r in bc_invoices or []:
            bc_inv[r.get("externalDocumentNumber")] = bc_inv.get(r.get("externalDocumentNumber"), 0) + 1
        gl_lines = {}
        for r in bc_gl or []:
            gl_lines[r.get("documentNumber")] = gl_lines.get(r.get("documentNumber"), 0) + 1
        result = []
        for c, kind, pid in postings:
            if pid is None:
                result.append((c, kind, pid, 0))
            elif c["erp"] == "netsuite":
                result.append((c, kind, pid, ns.get(pid, 0)))
            elif kind == "invoice":
                result.append((c, kind, pid, bc_inv.get(bc_number(pid, 35), 0)))
            else:
                # A posted journal leaves one ledger entry per line: the debit plus one credit per charged metric.
                lines = gl_lines.get(bc_number(pid, 20), 0)
                per_posting = c.get("journal_lines") or 0
                result.append((c, kind, pid, lines // per_posting if per_posting else (1 if lines else 0)))
        return result

    def hub_backlog(self):
        """The hub's own view (diagnosis only): its billing deliveries and ERP postings by status."""
        counts = {}
        for kind, path in (("deliveries", "billing/deliveries"), ("postings", "erp/postings")):
            for status in ("PENDING", "FAILED"):
                code, rows = http("GET", f"{self.hub}/api/v1/{path}?status={status}", auth=FINANCE)
                counts[(kind, status)] = len(rows) if code == 200 and isinstance(rows, list) else None
        return counts

    def end_state_reached(self):
        state = self.platform_state()
        ok = True
        for c in self.plan.customers:
            s = state.get(c["tenant"])
            if c["mode"] == "HUB_RATES":
                ok &= bool(s) and all(i[1] in ("open", "paid", "payment_due") for i in s)
            else:
                ok &= all(s.get(m, Decimal(0)) >= c["usage"][m] for m in c["metrics"])
        if ok:
            ok = all(n >= 1 for *_, n in self.erp_state(self.expected_postings(state)))
        return ok


def journal_lines(c):
    """Ledger lines of the accrual journal: its debit and one credit per metric with a non-zero amount."""
    return 1 + sum(1 for line in metric_lines(c) if line != 0)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bin/chaos", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--customers", type=int, default=12, help="customers (at least 6: one per billing profile)")
    p.add_argument("--events", type=int, default=12000, help="distinct usage events of the month (default 12000)")
    p.add_argument("--faults", default=",".join(FAULTS), help=f"faults to inject, comma-separated ({','.join(FAULTS)})"
                   " or none")
    for f in FAULTS:
        p.add_argument(f"--no-{f}", action="store_true", help=f"leave out the {f} fault")
    p.add_argument("--duplicates", type=float, default=0.10, help="share of events sent twice (default 0.10)")
    p.add_argument("--raw-share", type=float, default=0.10, help="share of batches written to the raw topic")
    p.add_argument("--batch", type=int, default=50, help="events per request (default 50)")
    p.add_argument("--outage", type=float, default=60, help="seconds PostgreSQL and NetSuite are down (default 60)")
    p.add_argument("--gap", type=float, default=10, help="seconds between stream faults (default 10)")
    p.add_argument("--stripe-429", type=float, default=0.20, help="share of Stripe requests answered 429")
    p.add_argument("--stripe-500", type=float, default=0.05, help="share of Stripe requests answered 500")
    p.add_argument("--timeout", type=float, default=420, help="seconds to wait for the end state after the close")
    p.add_argument("--base-port", type=int, default=18600, help="first of 8 consecutive ports (default 18600)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the time)")
    p.add_argument("--work", default=None, help="directory for data and logs (default: a new temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (it is kept anyway on failure)")
    args = p.parse_args(argv)
    enabled = [] if args.faults in ("", "none") else [f.strip() for f in args.faults.split(",")]
    unknown = [f for f in enabled if f not in FAULTS]
    if unknown:
        p.error(f"unknown faults {unknown}; choose from {FAULTS}")
    args.enabled = [f for f in FAULTS if f in enabled and not getattr(args, f"no_{f}")]
    if args.customers < len(PROFILES):
        p.error(f"--customers must be at least {len(PROFILES)}")
    return args


def main(argv):
    args = parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    work = args.work or tempfile.mkdtemp(prefix="meterbridge-chaos-")
    os.makedirs(work, exist_ok=True)
    procs = Processes(work, args.base_port)
    plan = Plan(args.customers, args.events, seed, args.duplicates, args.raw_share)
    chaos = Chaos(args, procs, plan)
    log(f"run {plan.run}, seed {seed}, faults {','.join(args.enabled) or 'none'}; data and logs in {work}")
    begun = time.time()
    ok = False
    try:
        if not (procs.start_postgres() and procs.start_kafka() and procs.start_sandboxes() and procs.start_hub()):
            raise SystemExit(f"chaos: the default run did not start (logs in {work})")
        log(f"hub {procs.hub_url}, sandboxes {procs.sandbox_url}, Kafka :{procs.ports['kafka']}, "
            f"PostgreSQL :{procs.ports['postgres']}")
        chaos.master_data()
        for c in plan.customers:
            c["journal_lines"] = journal_lines(c)

        duration = chaos.planned_stream_seconds(args.enabled)
        log(f"sending {len(plan.events)} events (+{plan.resends} resent) for {len(plan.customers)} customers over "
            f"about {duration:.0f} s")
        sender = threading.Thread(target=chaos.send_stream, args=(duration,), daemon=True)
        sender.start()
        chaos.stream_faults(args.enabled)
        sender.join()
        log(f"stream done: {chaos.sent_http} events over HTTP, {chaos.sent_raw} over the raw topic, "
            f"{chaos.retries} retried requests")

        chaos.await_metering(timeout=240, settle=45)
        if "stripe" in args.enabled:
            # The 5xx share applies to what the 429s let through: scaled so both are shares of all requests.
            chaos.sandbox_faults("stripe", {"rateLimitRate": args.stripe_429, "retryAfterSeconds": 1,
                                            "serverErrorRate": min(1.0, args.stripe_500 / (1 - args.stripe_429))})
            stripe_on = time.time()
        if "netsuite" in args.enabled:
            chaos.sandbox_faults("netsuite", {"down": True})
            netsuite_on = time.time()
        log("closing the period of every contract")
        chaos.close_periods()

        deadline = time.time() + args.timeout
        netsuite_off = "netsuite" not in args.enabled
        idle_checks = 0
        while time.time() < deadline:
            if not netsuite_off and time.time() - netsuite_on >= args.outage:
                chaos.sandbox_faults("netsuite", {})
                chaos.faults.append(("NetSuite down", time.time() - netsuite_on))
                netsuite_off = True
            if netsuite_off and chaos.end_state_reached():
                break
            # Nothing left in flight but the end state missing: the rest is dead-lettered, waiting for no one.
            backlog = chaos.hub_backlog()
            idle = netsuite_off and backlog[("deliveries", "PENDING")] == 0 and backlog[("postings", "PENDING")] == 0
            idle_checks = idle_checks + 1 if idle else 0
            if idle_checks >= 10:
                log("the hub has nothing pending but the end state is not reached: reporting")
                break
            time.sleep(3)
        else:
            log(f"the end state was not reached within {args.timeout:.0f} s")
        if not netsuite_off:
            chaos.sandbox_faults("netsuite", {})
            chaos.faults.append(("NetSuite down", time.time() - netsuite_on))
        if "stripe" in args.enabled:
            chaos.sandbox_faults("stripe", {})
            _, stats = http("GET", f"{procs.sandbox_url}/stripe/_sandbox/stats")
            chaos.faults.append((f"Stripe {args.stripe_429:.0%} 429 + {args.stripe_500:.0%} 500 "
                                 f"({(stats or {}).get('faultsInjected', '?')} injected)", time.time() - stripe_on))
        # Settle: whatever arrives late (a second invoice, a double posting) must show in the table.
        time.sleep(5)
        ok = report(chaos, time.time() - begun)
    finally:
        if chaos.raw:
            chaos.raw.stdin.close()
            chaos.raw.wait(timeout=30)
        procs.stop_all()
        if ok and not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"data and logs kept in {work}")
    return 0 if ok else 1


def report(chaos, elapsed):
    plan = chaos.plan
    usage = chaos.all_usage()
    lost = twice = wrong_other = 0
    details = []
    for c in plan.customers:
        for m in c["metrics"]:
            got, want = usage[(c["tenant"], m)], c["usage"][m]
            if got is None:
                got = Decimal(0)
            if got != want:
                details.append(f"{c['tenant']} {m}: metered {got}, sent {want}")
                if m in ADDITIVE:
                    lost += max(Decimal(0), want - got)
                    twice += max(Decimal(0), got - want)
                else:
                    wrong_other += 1
    metered = 0
    for c in plan.customers:
        close_id = (c.get("close") or {}).get("closeId")
        if close_id:
            _, charges = http("GET", f"{chaos.hub}/api/v1/billing/periods/{close_id}/charges", auth=FINANCE)
            for s in (charges or {}).get("sources", []):
                if s["metric"] in ("api_requests", "storage_gb_peak", "feature_runs"):
                    metered += s.get("events", 0)

    state = chaos.platform_state()
    inv_expected = inv_found = inv_dup = inv_wrong = 0
    platform_expected = platform_found = 0
    for c in plan.customers:
        s = state.get(c["tenant"])
        if c["mode"] == "HUB_RATES":
            inv_expected += 1
            final = [i for i in s or [] if i[1] in ("open", "paid", "payment_due")]
            inv_found += 1 if final else 0
            inv_dup += max(0, len(s or []) - 1)
            want = expected_invoice(c)
            if final and final[-1][2] != want:
                inv_wrong += 1
                details.append(f"{c['tenant']} {c['system']} invoice {final[-1][0]}: total {final[-1][2]}, expected {want}")
            if len(s or []) > 1:
                details.append(f"{c['tenant']} {c['system']}: {len(s)} invoices {s}")
        else:
            for m in c["metrics"]:
                platform_expected += 1
                got = s.get(m, Decimal(0))
                if got == c["usage"][m]:
                    platform_found += 1
                else:
                    details.append(f"{c['tenant']} {c['system']} usage of {m}: {got}, expected {c['usage'][m]}")
    postings = chaos.erp_state(chaos.expected_postings(state))
    erp_expected = len(postings)
    erp_posted = sum(1 for *_, n in postings if n >= 1)
    erp_dup = sum(max(0, n - 1) for *_, n in postings)
    for c, kind, pid, n in postings:
        if n != 1:
            details.append(f"{c['tenant']} {c['erp']} {kind} {pid}: posted {n} times")

    backlog = chaos.hub_backlog()
    sent = len(plan.events)
    rows = [
        ("events sent (distinct; resent)", f"{sent}; +{plan.resends} resent ({chaos.sent_raw} via the raw topic)"),
        ("events accepted (acknowledged)", f"{len(chaos.acked)} (answered as duplicates: {chaos.answered_dup}, "
                                           f"rejected: {chaos.rejected})"),
        ("events metered (hub lineage)", str(metered)),
        ("units lost (requests + runs)", str(lost)),
        ("units counted twice", str(twice)),
        ("other figures off (peak, distinct)", str(wrong_other)),
        ("invoices expected / in sandbox", f"{inv_expected} / {inv_found} (wrong total: {inv_wrong})"),
        ("invoices duplicated", str(inv_dup)),
        ("platform usage figures right", f"{platform_found} / {platform_expected}"),
        ("ERP postings expected / posted", f"{erp_expected} / {erp_posted}"),
        ("ERP postings duplicated", str(erp_dup)),
        ("hub: deliveries pending / failed", f"{backlog[('deliveries', 'PENDING')]} / "
                                             f"{backlog[('deliveries', 'FAILED')]} (GET /api/v1/billing/deliveries)"),
        ("hub: ERP postings pending / failed", f"{backlog[('postings', 'PENDING')]} / "
                                               f"{backlog[('postings', 'FAILED')]} (GET /api/v1/erp/postings)"),
    ]
    for name, seconds in chaos.faults:
        rows.append((f"fault: {name}", f"{seconds:.1f} s"))
    rows.append(("run took", f"{elapsed:.0f} s"))
    ok = (lost == 0 and twice == 0 and wrong_other == 0 and len(chaos.acked) == sent and inv_found == inv_expected
          and inv_dup == 0 and inv_wrong == 0 and platform_found == platform_expected and erp_posted == erp_expected
          and erp_dup == 0)
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'bin/chaos ' + plan.run:<{width}}  {'PASS: nothing lost or doubled' if ok else 'FAIL'}")
    print("-" * (width + 50))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    _, exceptions = http("GET", f"{chaos.hub}/api/v1/billing/exceptions", auth=FINANCE)
    for e in (exceptions or [])[:10]:
        details.append(f"billing exception {e.get('delivery_id')}: {str(e.get('reason'))[:160]}")
    if details:
        print()
        for line in details[:40]:
            print("  " + line)
        if len(details) > 40:
            print(f"  ... and {len(details) - 40} more")
    print(flush=True)
    return ok


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
