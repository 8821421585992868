#!/usr/bin/env python3
"""Throughput of a span_labeling pipeline under concurrent bulk clients, and how plain traffic fares meanwhile.

    integ-test/bulk-load.py --url http://127.0.0.1:9200 [--clients 1,4,8] [--seconds 60] [--bulk-size 20]
                            [--model mbert-ner] [--heads ner,medical,argument]

For each number of clients: a fresh index behind a pipeline with one span_labeling processor, that many threads sending
_bulk requests of --bulk-size documents (news-like sentences in six languages, about 100 characters) for --seconds,
and one probe thread that indexes one document into another index without a pipeline and searches it, twice a second.
Prints documents per second, bulk latency (p50/p99), documents failed and why (a 429 is a rejection by the inference
pool), the probe's index+search latency (median/max), and the plugin's pool stats. Standard library only.
"""
import argparse
import json
import statistics
import threading
import time
import urllib.error
import urllib.request

SENTENCES = [
    "Angela Merkel met Emmanuel Macron in Paris on Tuesday to discuss the budget of the European Union.",
    "Die Bundesregierung in Berlin kündigte an, dass Siemens neue Werke in Sachsen und Bayern eröffnen wird.",
    "El presidente de Argentina viajó a Madrid para reunirse con representantes de Telefónica y del Banco Santander.",
    "Il sindaco di Roma ha incontrato i dirigenti della FIAT e della Banca d'Italia per parlare di trasporti pubblici.",
    "Le ministre français de la Santé a visité l'hôpital de Lyon avec des chercheurs de l'Institut Pasteur.",
    "The World Health Organization said on Monday that cases of cholera in Yemen had fallen since January.",
    "Patients treated with metformin showed lower rates of diabetic nephropathy than those given placebo.",
    "Microsoft and the University of Cambridge will open a research laboratory in London next spring.",
    "De Nederlandse premier sprak in Den Haag met vertegenwoordigers van Philips en de Rabobank.",
    "Barack Obama visited Nairobi, where he met Kenyan president Uhuru Kenyatta and students of the university.",
]


def request(url, method="GET", body=None, content_type="application/json", timeout=300):
    data = body.encode("utf-8") if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def bulk_body(index, start, size):
    lines = []
    for i in range(size):
        lines.append(json.dumps({"index": {"_index": index}}))
        lines.append(json.dumps({"body": SENTENCES[(start + i) % len(SENTENCES)], "n": start + i}))
    return "\n".join(lines) + "\n"


def run_round(url, clients, seconds, bulk_size, pipeline):
    index = "bulk-load-%d" % clients
    request(url + "/" + index, "DELETE")
    status, body = request(url + "/" + index, "PUT", json.dumps(
        {"settings": {"number_of_shards": 1, "number_of_replicas": 0, "default_pipeline": pipeline}}))
    assert status == 200, body
    request(url + "/probe", "DELETE")
    request(url + "/probe", "PUT", json.dumps({"settings": {"number_of_shards": 1, "number_of_replicas": 0}}))
    _, before = request(url + "/_plugins/polyspan/stats")

    lock = threading.Lock()
    latencies, failures = [], {}
    counts = {"ok": 0, "failed": 0}
    probe = []
    deadline = time.time() + seconds
    stop = threading.Event()

    def client(k):
        n = k * 1_000_000
        while time.time() < deadline:
            t0 = time.time()
            status, body = request(url + "/_bulk", "POST", bulk_body(index, n, bulk_size), "application/x-ndjson")
            dt = time.time() - t0
            n += bulk_size
            ok, failed, reasons = 0, 0, {}
            if status != 200:
                failed = bulk_size
                reasons["http %d" % status] = bulk_size
            else:
                for item in body.get("items", []):
                    r = item.get("index", {})
                    if r.get("status", 500) < 300:
                        ok += 1
                    else:
                        failed += 1
                        key = "%s %s" % (r.get("status"), r.get("error", {}).get("type"))
                        reasons[key] = reasons.get(key, 0) + 1
            with lock:
                latencies.append(dt)
                counts["ok"] += ok
                counts["failed"] += failed
                for key, v in reasons.items():
                    failures[key] = failures.get(key, 0) + v

    def prober():
        i = 0
        while not stop.is_set():
            t0 = time.time()
            request(url + "/probe/_doc/%d" % i, "PUT", json.dumps({"text": "probe %d" % i}))
            request(url + "/probe/_search", "POST", json.dumps({"query": {"match_all": {}}, "size": 1}))
            probe.append(time.time() - t0)
            i += 1
            stop.wait(0.5)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    p = threading.Thread(target=prober)
    t0 = time.time()
    p.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - t0
    stop.set()
    p.join()
    _, after = request(url + "/_plugins/polyspan/stats")
    pool_before = before.get("thread_pools", {}).get("polyspan_inference", {})
    pool_after = after.get("thread_pools", {}).get("polyspan_inference", {})
    return {
        "clients": clients,
        "docs_per_s": counts["ok"] / elapsed,
        "indexed": counts["ok"],
        "failed": counts["failed"],
        "reasons": failures,
        "bulk_p50": percentile(latencies, 50),
        "bulk_p99": percentile(latencies, 99),
        "probe_median": statistics.median(probe) if probe else float("nan"),
        "probe_max": max(probe) if probe else float("nan"),
        "pool_completed": pool_after.get("completed", 0) - pool_before.get("completed", 0),
        "pool_rejected": pool_after.get("rejected", 0) - pool_before.get("rejected", 0),
        "budget": after.get("budget"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:9200")
    ap.add_argument("--clients", default="1,4,8")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--bulk-size", type=int, default=20)
    ap.add_argument("--model", default="mbert-ner")
    ap.add_argument("--heads", default="", help="comma-separated heads (default: all of the model's heads)")
    args = ap.parse_args()
    url = args.url.rstrip("/")
    processor = {"model": args.model, "field": "body"}
    if args.heads:
        processor["heads"] = args.heads.split(",")
    status, body = request(url + "/_ingest/pipeline/bulk-load", "PUT", json.dumps({"processors": [{"span_labeling": processor}]}))
    assert status == 200, body
    # one warm-up bulk, so that the model is loaded before the clock runs
    request(url + "/_bulk?pipeline=bulk-load", "POST", bulk_body("bulk-load-warmup", 0, args.bulk_size), "application/x-ndjson")
    request(url + "/bulk-load-warmup", "DELETE")
    print("clients  docs/s  indexed  failed  bulk p50 s  bulk p99 s  plain index+search median/max s  pool tasks  reasons")
    for c in [int(x) for x in args.clients.split(",")]:
        r = run_round(url, c, args.seconds, args.bulk_size, "bulk-load")
        print("%7d  %6.1f  %7d  %6d  %10.2f  %10.2f  %15.3f / %.3f  %10d  %s" % (
            r["clients"], r["docs_per_s"], r["indexed"], r["failed"], r["bulk_p50"], r["bulk_p99"], r["probe_median"],
            r["probe_max"], r["pool_completed"], json.dumps(r["reasons"]) if r["reasons"] else "-"), flush=True)
    print("budget:", json.dumps(r["budget"]))


if __name__ == "__main__":
    main()
