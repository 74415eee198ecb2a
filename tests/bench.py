#!/usr/bin/env python3
"""Retrieval and SQuAD benchmark for `make bench` (not a test: minutes, figures for the README).

Retrieval: for each collection made by ../shared/tools/squad2corpus from the SQuAD v1.1
training articles 0-43 (2,430 paragraphs, 11,877 questions; and the same + 20,000
distractors): index build time, queries per second for the whole query file answered by one
`vzask search --queries FILE --trec -k 10` process (best of --runs), recall@1/5/10 and
MRR@10 of the question's own paragraph, and peak memory (max RSS) of the search process.
With --peers it also runs ../shared/tools/peer_bench (Xapian and SQLite FTS5, needs
python3-xapian) on the same folders and prints its ratios.

SQuAD end to end: `vzask eval FILE -j 1 --json` (one process, one thread) in oracle mode,
in open mode over the file's 2,430 paragraphs (eval's own corpus folder), and in open mode
over the + 20,000 distractors collection (--corpus; its aNNNpNNN names are the ones eval
gives the questions' paragraphs), each --runs times: questions per second (eval's
questions_per_second: the asking, without start-up), EM and F1, the build time of that
collection's index (a fresh --db file, built by the first, untimed run) and the peak memory
(max RSS) of the eval process, all read from eval's --json, beside the targets.
"""
import argparse, json, os, resource, subprocess, sys, time

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--shared", default="../shared")
ap.add_argument("--vzask", default="./vzask")
ap.add_argument("--work", default="build/bench")
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--unit", default="paragraph")
ap.add_argument("--distractors", type=int, default=20000)
ap.add_argument("--peers", action="store_true")
ap.add_argument("--no-squad", action="store_true", help="retrieval rows only")
ap.add_argument("--no-retrieval", action="store_true", help="SQuAD rows only")
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


# The targets of the SQuAD rows: (figure, comparison, bar).
TARGETS = {"oracle": 5000, "open": 2000, "build": 3.0, "peak": 500}


def eval_json(args):
    out = run([a.vzask, "eval", squad, "-j", "1", "--json"] + args)
    return json.loads(out)


def squad_row(name, mode, extra):
    """One eval setting: a first, untimed run (which writes eval's corpus folder and builds
    the index when missing), then --runs timed ones."""
    eval_json([f"--{mode}", "--limit", "1"] + extra)
    runs = [eval_json([f"--{mode}"] + extra) for _ in range(a.runs)]
    qps = [m["questions_per_second"] for m in runs]
    m = runs[0]
    peak = max(r["peak_memory_mib"] for r in runs)
    build = m["index_build_seconds"]
    def mark(ok):
        return "ok" if ok else "NOT MET"
    print(f"{name:16s} {m['documents']:8d} {m['questions']:9d} {m['exact_match']:6.2f} "
          f"{m['f1']:6.2f} {max(qps):7.0f} >={TARGETS[mode]:<5d} {mark(max(qps) >= TARGETS[mode]):7s} "
          f"{build:7.2f} <{TARGETS['build']:<3.0f} {mark(build < TARGETS['build']):7s} "
          f"{peak:8.0f} <{TARGETS['peak']:<4d} {mark(peak < TARGETS['peak']):7s} "
          f"{', '.join(f'{q:.0f}' for q in qps)}", flush=True)


def squad_bench(big):
    print(f"\nvzask SQuAD end to end (vzask eval -j 1: one process, one thread; "
          f"{a.runs} runs: the best q/s, the largest peak)", flush=True)
    print(f"{'setting':16s} {'passages':>8s} {'questions':>9s} {'EM':>6s} {'F1':>6s} "
          f"{'q/s':>7s} {'target':14s} {'build s':>7s} {'target':12s} {'peak MiB':>8s} "
          f"{'target':13s} q/s of each run", flush=True)
    squad_row("oracle", "oracle", [])
    squad_row("open", "open", [])
    db = os.path.join(big, "vzask-eval.sqlite")
    for f in (db, db + "-wal", db + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    squad_row(f"open {os.path.basename(big)}", "open",
              ["--corpus", os.path.join(big, "corpus"), "--db", db])


# eval writes its corpus folder into the cache: keep it in the work folder.
os.environ.setdefault("XDG_CACHE_HOME", os.path.abspath(os.path.join(a.work, "cache")))
big_name = f"squad+{a.distractors // 1000}k"
dirs = []
if not a.no_retrieval:
    print(f"vzask retrieval benchmark (unit: {a.unit}, one process, one core, best of {a.runs})")
    dirs = [bench("squad", 0), bench(big_name, a.distractors)]
if not a.no_squad:
    squad_bench(make_collection(big_name, a.distractors))
if a.peers:
    for d in dirs:
        print(f"\npeer_bench {d}:", flush=True)
        subprocess.run(["/usr/bin/python3",
                        os.path.join(a.shared, "tools/peer_bench"), d, "--vzask", a.vzask,
                        "--runs", str(a.runs)], check=True)
