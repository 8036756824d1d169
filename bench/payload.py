"""An HTTP load client of the benchmarks, run in its own process.

    python bench/payload.py pay PORT TOKEN SALES.json CLIENTS OUT.json
        pays prepared draft sales through the API (POST /api/v1/sales/<id>/pay/, cash, the total)
    python bench/payload.py get PORT TOKEN PATHS.json CLIENTS OUT.json COUNT
        sends COUNT GET requests cycling through the paths

Each of CLIENTS threads keeps one HTTP/1.1 connection and works through its share in turn.
Writes every successful request's latency, the failures and the throughput to OUT.json.
"""

import http.client
import json
import sys
import threading
import time


def main() -> None:
    mode, port, token, items_file, clients, out = sys.argv[1:7]
    with open(items_file) as handle:
        items = json.load(handle)
    clients = int(clients)
    if mode == "get":
        count = int(sys.argv[7])
        items = [items[n % len(items)] for n in range(count)]
    shares = [items[i::clients] for i in range(clients)]
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def worker(share):
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        barrier.wait()
        for item in share:
            started = time.perf_counter()
            if mode == "pay":
                body = json.dumps({"payments": [{"method": "cash", "amount": item["total"]}]})
                conn.request("POST", f"/api/v1/sales/{item['id']}/pay/", body=body, headers=headers)
            else:
                conn.request("GET", item, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            elapsed = time.perf_counter() - started
            with lock:
                if response.status == 200:
                    latencies.append(elapsed)
                else:
                    failures.append(f"{response.status} {payload[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    with open(out, "w") as handle:
        json.dump(
            {
                "latencies": latencies,
                "failures": failures[:20],
                "failed": len(failures),
                "wall": wall,
                "ok": len(latencies),
                "per_second": len(latencies) / wall if wall else 0.0,
            },
            handle,
        )


if __name__ == "__main__":
    main()
