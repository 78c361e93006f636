"""The Python way people call the 1688 gateway today: sign with hmac, POST with requests,
decode with .json(). One thread per concurrent caller, each with its own keep-alive Session.

Run by `open1688-bench loopback` (which installs `requests` into target/bench-venv); prints one
JSON object: calls and latency percentiles of the measured window, CPU seconds and peak RSS.
"""

import argparse
import hashlib
import hmac
import json
import resource
import threading
import time

import requests

PRODUCT_ID = "624531232145"


def sign(secret, url_path, params):
    """HMAC-SHA1 over the URL path and the sorted key+value strings, uppercase hex."""
    base = url_path + "".join(sorted(k + v for k, v in params.items()))
    return hmac.new(secret.encode(), base.encode(), hashlib.sha1).hexdigest().upper()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--app-key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    url_path = f"param2/1/com.alibaba.product/alibaba.product.get/{args.app_key}"
    url = f"{args.url}/openapi/{url_path}"
    start = time.perf_counter()
    measure_from = start + args.warmup
    until = measure_from + args.seconds
    latencies = []
    totals = []
    errors = []
    lock = threading.Lock()

    def worker():
        session = requests.Session()
        mine = []
        total = 0
        try:
            while True:
                t0 = time.perf_counter()
                if t0 >= until:
                    break
                params = {
                    "productID": PRODUCT_ID,
                    "webSite": "1688",
                    "scene": "1688",
                    "access_token": args.token,
                    "_aop_timestamp": str(int(time.time() * 1000)),
                }
                params["_aop_signature"] = sign(args.secret, url_path, params)
                response = session.post(url, data=params, timeout=30)
                response.raise_for_status()
                product = response.json()
                assert "productInfo" in product
                total += 1
                if t0 >= measure_from:
                    mine.append(time.perf_counter() - t0)
        except Exception as e:  # reported, and the run fails
            with lock:
                errors.append(repr(e))
        with lock:
            latencies.extend(mine)
            totals.append(total)

    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} callers failed, first: {errors[0]}")
    latencies.sort()

    def percentile(p):
        if not latencies:
            return float("nan")
        rank = max(1, min(len(latencies), -(-len(latencies) * p // 100)))
        return latencies[int(rank) - 1] * 1e6

    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "calls": len(latencies),
        "total": sum(totals),
        "seconds": args.seconds,
        "p50_us": percentile(50),
        "p99_us": percentile(99),
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_kib": usage.ru_maxrss,
    }))


if __name__ == "__main__":
    main()
