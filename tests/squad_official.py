#!/usr/bin/env python3
"""The logic of SQuAD's official evaluation scripts, evaluate-v1.1.py and evaluate-v2.0.py
(https://rajpurkar.github.io/SQuAD-explorer/), retyped with the standard library only, so that
`make test` can check that vzask's EM and F1 are the official ones to the last digit.

usage: squad_official.py DATA.json PREDICTIONS.json [--na-prob-file NA_PROBS.json]
A file whose "version" starts with "v2" or that has "is_impossible" is scored as v2.0.
Prints the official script's JSON (v1.1: exact_match, f1; v2.0: exact, f1, total, HasAns_*,
NoAns_*, and with --na-prob-file best_exact(_thresh), best_f1(_thresh))."""
import collections, json, re, string, sys

def normalize_answer(s):
    s = ''.join(ch for ch in s.lower() if ch not in set(string.punctuation))
    return ' '.join(re.sub(r'\b(a|an|the)\b', ' ', s).split())

def f1_v1(prediction, ground_truth):
    p, g = normalize_answer(prediction).split(), normalize_answer(ground_truth).split()
    num_same = sum((collections.Counter(p) & collections.Counter(g)).values())
    if num_same == 0:
        return 0
    precision, recall = 1.0 * num_same / len(p), 1.0 * num_same / len(g)
    return (2 * precision * recall) / (precision + recall)

def f1_v2(a_gold, a_pred):
    g = normalize_answer(a_gold).split() if a_gold else []
    p = normalize_answer(a_pred).split() if a_pred else []
    num_same = sum((collections.Counter(g) & collections.Counter(p)).values())
    if len(g) == 0 or len(p) == 0:
        return int(g == p)
    if num_same == 0:
        return 0
    precision, recall = 1.0 * num_same / len(p), 1.0 * num_same / len(g)
    return (2 * precision * recall) / (precision + recall)

def evaluate_v1(dataset, preds):
    f1 = exact_match = total = 0
    for article in dataset:
        for paragraph in article['paragraphs']:
            for qa in paragraph['qas']:
                total += 1
                if qa['id'] not in preds:
                    continue
                golds, pred = [a['text'] for a in qa['answers']], preds[qa['id']]
                exact_match += max(normalize_answer(pred) == normalize_answer(g) for g in golds)
                f1 += max(f1_v1(pred, g) for g in golds)
    return {'exact_match': 100.0 * exact_match / total, 'f1': 100.0 * f1 / total}

def find_best_thresh(preds, scores, na_probs, has_ans):
    cur_score = best_score = sum(1 for k in has_ans if not has_ans[k])
    best_thresh = 0.0
    for qid in sorted(na_probs, key=lambda k: na_probs[k]):
        if qid not in scores:
            continue
        cur_score += scores[qid] if has_ans[qid] else (-1 if preds[qid] else 0)
        if cur_score > best_score:
            best_score, best_thresh = cur_score, na_probs[qid]
    return 100.0 * best_score / len(scores), best_thresh

def evaluate_v2(dataset, preds, na_probs):
    has_ans, exact, f1 = {}, {}, {}
    for article in dataset:
        for p in article['paragraphs']:
            for qa in p['qas']:
                has_ans[qa['id']] = bool(qa['answers'])
                if qa['id'] not in preds:
                    continue
                golds = [a['text'] for a in qa['answers'] if normalize_answer(a['text'])] or ['']
                pred = preds[qa['id']]
                exact[qa['id']] = max(int(normalize_answer(a) == normalize_answer(pred)) for a in golds)
                f1[qa['id']] = max(f1_v2(a, pred) for a in golds)
    # na_prob_thresh 1.0: a probability is never above it, so the raw scores stand.
    out = {'exact': 100.0 * sum(exact.values()) / len(exact), 'f1': 100.0 * sum(f1.values()) / len(f1),
           'total': len(exact)}
    for name, want in (('HasAns', True), ('NoAns', False)):
        qids = [k for k, v in has_ans.items() if v == want]
        if qids:
            out[name + '_exact'] = 100.0 * sum(exact[k] for k in qids) / len(qids)
            out[name + '_f1'] = 100.0 * sum(f1[k] for k in qids) / len(qids)
            out[name + '_total'] = len(qids)
    if na_probs is not None:
        out['best_exact'], out['best_exact_thresh'] = find_best_thresh(preds, exact, na_probs, has_ans)
        out['best_f1'], out['best_f1_thresh'] = find_best_thresh(preds, f1, na_probs, has_ans)
    return out

args = sys.argv[1:]
na = json.load(open(args[args.index('--na-prob-file') + 1])) if '--na-prob-file' in args else None
data = json.load(open(args[0], encoding='utf-8'))
preds = json.load(open(args[1], encoding='utf-8'))
v2 = str(data.get('version', '')).startswith('v2') or any(
    'is_impossible' in qa for a in data['data'] for p in a['paragraphs'] for qa in p['qas'])
print(json.dumps(evaluate_v2(data['data'], preds, na) if v2 else evaluate_v1(data['data'], preds)))
