#!/usr/bin/env python3
"""Choose the abstention threshold: answer the question sets without
abstaining (vzask eval --no-abstain --details), then, for each threshold,
the accuracy that would remain and the share of unanswerable questions
that would be abstained.  Usage: python3 tests/threshold.py [VZASK]"""
import json, os, subprocess, sys, tempfile

vzask = sys.argv[1] if len(sys.argv) > 1 else './vzask'
sets = [('corpus', ['corpus/questions.jsonl']),
        ('corpus2', ['tests/corpus2/questions.jsonl', '--corpus', 'tests/corpus2']),
        ('corpus3', ['tests/corpus3/questions.jsonl', '--corpus', 'tests/corpus3'])]
rows = {}
with tempfile.TemporaryDirectory() as tmp:
    for name, args in sets:
        path = os.path.join(tmp, name + '.jsonl')
        subprocess.run([vzask, 'eval', *args, '--no-abstain', '--details', path],
                       check=True, stdout=subprocess.DEVNULL)
        rows[name] = [json.loads(line) for line in open(path)]

print('threshold  ' + '  '.join(f'{n:>8} acc  abstain' for n, _ in sets) + '      sum')
for t in [x / 100 for x in range(0, 100, 5)]:
    total, cells = 0.0, []
    for name, _ in sets:
        ans = [r for r in rows[name] if r['patterns']]
        una = [r for r in rows[name] if not r['patterns']]
        acc = sum(r['correct'] and r['confidence'] >= t for r in ans) / len(ans)
        abst = sum(r['confidence'] < t for r in una) / len(una)
        total += acc + abst
        cells.append(f'{acc:12.3f} {abst:8.3f}')
    print(f'{t:9.2f}  ' + '  '.join(cells) + f'  {total:7.3f}')
