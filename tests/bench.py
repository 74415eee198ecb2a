#!/usr/bin/env python3
"""Retrieval benchmark for `make bench` (not a test: minutes, figures for the README).

For each collection made by ../shared/tools/squad2corpus from the SQuAD v1.1 training
articles 0-43 (2,430 paragraphs, 11,877 questions; and the same + 20,000 distractors):
index build time, queries per second for the whole query file answered by one
`vzask search --queries FILE --trec -k 10` process (best of --runs), recall@1/5/10 and
MRR@10 of the question's own paragraph, and peak memory (max RSS) of the search process.
With --peers it also runs ../shared/tools/peer_bench (Xapian and SQLite FTS5, needs
python3-xapian) on the same folders and prints its ratios.
"""
import argparse, os, resource, subprocess, sys, time

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--shared", default="../shared")
ap.add_argument("--vzask", default="./vzask")
ap.add_argument("--work", default="build/bench")
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--unit", default="paragraph")
ap.add_argument("--distractors", type=int, default=20000)
ap.add_argument("--peers", action="store_true")
a = ap.parse_args()

squad = os.path.join(a.shared, "data/squad/train-v1.1-articles-000-043.json")
tool = os.path.join(a.shared, "tools/squad2corpus")


def make_collection(name, distractors):
    out = os.path.join(a.work, name)
    if not os.path.exists(os.path.join(out, "qrels.txt")):
        cmd = [sys.executable, tool, squad, out] + (["--distractors", str(distractors)] if distractors else [])
        subprocess.run(cmd, check=True)
    return out


def child_maxrss_mib(before):
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before) / 1024.0


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"bench: {' '.join(cmd)} failed: {r.stderr[-500:]}")
    return r.stdout


def metrics(run_text, qrels, queries):
    ranked = {}
    for line in run_text.splitlines():
        f = line.split()
        doc = f[2].split(":")[0]
        lst = ranked.setdefault(f[0], [])
        if doc not in lst:          # passages of one document count once
            lst.append(doc)
    h1 = h5 = h10 = 0
    rr = 0.0
    for qid in queries:
        r = ranked.get(qid, [])[:10]
        if qrels[qid] in r:
            k = r.index(qrels[qid]) + 1
            rr += 1.0 / k
            h1 += k <= 1; h5 += k <= 5; h10 += k <= 10
    n = len(queries)
    return h1 / n, h5 / n, h10 / n, rr / n


def bench(name, distractors):
    d = make_collection(name, distractors)
    corpus, db = os.path.join(d, "corpus"), os.path.join(d, f"vzask-{a.unit}.sqlite")
    qfile = os.path.join(d, "queries.tsv")
    queries = [l.split("\t", 1)[0] for l in open(qfile, encoding="utf-8")]
    qrels = {l.split()[0]: l.split()[2] for l in open(os.path.join(d, "qrels.txt"))}
    t = time.perf_counter()
    run([a.vzask, "index", "--corpus", corpus, "--db", db, "--unit", a.unit])
    build = time.perf_counter() - t
    best, out = None, ""
    rss0 = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    for _ in range(a.runs):
        t = time.perf_counter()
        out = run([a.vzask, "search", "--corpus", corpus, "--db", db, "--unit", a.unit,
                   "--queries", qfile, "--trec", "-k", "10"])
        el = time.perf_counter() - t
        best = el if best is None else min(best, el)
    r1, r5, r10, mrr = metrics(out, qrels, queries)
    npass = len(os.listdir(corpus))
    print(f"{name:12s} {npass:6d} passages {len(queries):6d} queries  build {build:6.2f} s  "
          f"{len(queries) / best:8.0f} q/s  R@1 {r1:.3f}  R@5 {r5:.3f}  R@10 {r10:.3f}  "
          f"MRR@10 {mrr:.3f}  peak {child_maxrss_mib(rss0):.0f} MiB", flush=True)
    return d


print(f"vzask retrieval benchmark (unit: {a.unit}, one process, one core, best of {a.runs})")
dirs = [bench("squad", 0), bench(f"squad+{a.distractors // 1000}k", a.distractors)]
if a.peers:
    for d in dirs:
        print(f"\npeer_bench {d}:", flush=True)
        subprocess.run(["/usr/bin/python3",
                        os.path.join(a.shared, "tools/peer_bench"), d, "--vzask", a.vzask,
                        "--runs", str(a.runs)], check=True)
