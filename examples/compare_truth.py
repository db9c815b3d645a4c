#!/usr/bin/env python3
"""Compares `podmortem -o json` with the ground truth `examples/gen_archive`
writes (OUT.truth.json, beside the archive OUT): every Pod's node, outcome, findings, grace, deletion
reason, per-container exit code / stop signal / stop timeout / preStop /
exit time, and every stage time (10 ms; 1.5 s for exits a runtime without
exit events cannot date; 100 ms for the delete, 50 ms for the removal).

usage:
  cargo run --release --example gen_archive -- --out /tmp/gen1 --pods 60 --seed 1
  target/release/podmortem -o json /tmp/gen1 > /tmp/gen1.json
  python3 examples/compare_truth.py /tmp/gen1.truth.json /tmp/gen1.json [-v]
"""
import json, sys
from datetime import datetime, timezone
from collections import defaultdict

truth = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))
verbose = '-v' in sys.argv

def ts(s):
    if s is None:
        return None
    s = s.rstrip('Z')
    if '.' in s:
        head, frac = s.split('.')
        frac = (frac + '000000000')[:9]
    else:
        head, frac = s, '0'
    dt = datetime.strptime(head, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=timezone.utc)
    return dt.timestamp() + int(frac) / 1e9

nodes = {n['name']: n for n in truth['nodes']}
by_uid = {p.get('uid'): p for p in got['pods'] if p.get('uid')}
by_name = {(p.get('namespace'), p.get('name')): p for p in got['pods']}
mism = []
def bad(pod, field, exp, g, note=''):
    mism.append((pod['node'], pod['scenario'], f"{pod['namespace']}/{pod['name']}", field, exp, g, note))

CONTAINER_STAGES = {'prestop_started', 'prestop_finished', 'stop_requested', 'signal_sent', 'app_signal_logged', 'kill_sent', 'exited'}

def tol(stage, node):
    if stage == 'exited':
        return 0.01 if node['exit_events_at_info'] else 1.5
    if stage == 'delete_requested':
        return 0.1
    if stage == 'removed':
        return 0.05
    return 0.01

matched = set()
for tp in truth['pods']:
    node = nodes[tp['node']]
    gp = by_uid.get(tp['uid']) or by_name.get((tp['namespace'], tp['name']))
    if gp is None:
        bad(tp, 'pod', 'present', 'missing')
        continue
    matched.add(id(gp))
    if gp.get('node') != tp['node']:
        bad(tp, 'node', tp['node'], gp.get('node'))
    if gp['outcome'] != tp['outcome']:
        bad(tp, 'outcome', tp['outcome'], gp['outcome'])
    tf = set(tp['findings'])
    gf = set(f['kind'] for f in gp['findings'])
    if tf != gf:
        bad(tp, 'findings', sorted(tf - gf) and ('missing ' + ','.join(sorted(tf - gf))) or '', sorted(gf - tf) and ('extra ' + ','.join(sorted(gf - tf))) or '')
    if tp['grace_period_s'] is not None and gp.get('grace_period_s') != tp['grace_period_s']:
        bad(tp, 'grace_period_s', tp['grace_period_s'], gp.get('grace_period_s'))
    reason = (gp.get('deletion') or {}).get('reason')
    if tp['deletion_reason'] != reason:
        bad(tp, 'deletion.reason', tp['deletion_reason'], reason)
    gcs = {c.get('id'): c for c in gp['containers']}
    gcs_name = {c.get('name'): c for c in gp['containers']}
    for tc in tp['containers']:
        gc = gcs.get(tc['id']) or gcs_name.get(tc['name'])
        if gc is None:
            bad(tp, f"container {tc['name']}", 'present', 'missing')
            continue
        for k in ('exit_code', 'stop_signal', 'stop_timeout_s'):
            if tc[k] is not None and gc.get(k) != tc[k]:
                bad(tp, f"{tc['name']}.{k}", tc[k], gc.get(k))
        if tc['prestop_s'] is not None and node['kubelet_verbosity'] >= 3:
            if gc.get('prestop_s') is None or abs(gc['prestop_s'] - tc['prestop_s']) > 0.05:
                bad(tp, f"{tc['name']}.prestop_s", tc['prestop_s'], gc.get('prestop_s'))
        if tc['exited_at'] is not None:
            e, g = ts(tc['exited_at']), ts(gc.get('exited_at'))
            if g is None or abs(e - g) > tol('exited', node):
                bad(tp, f"{tc['name']}.exited_at", tc['exited_at'], gc.get('exited_at'), '' if g is None else f"{g - e:+.3f}s")
        # container stages
        gst = defaultdict(list)
        for s in gp['stages']:
            if s.get('container') == tc['name'] or (s.get('container') is None and gc.get('name') is None and s['stage'] in CONTAINER_STAGES):
                gst[s['stage']].append(s)
        for st, when in tc['stages'].items():
            cand = gst.get(st)
            if not cand:
                bad(tp, f"stage {st}[{tc['name']}]", when, None)
                continue
            e = ts(when)
            best = min(cand, key=lambda s: abs(ts(s['at']) - e))
            d = ts(best['at']) - e
            if abs(d) > tol(st, node):
                bad(tp, f"stage {st}[{tc['name']}]", when, best['at'], f"{d:+.3f}s {best['source']}")
        for st in gst:
            if st not in tc['stages']:
                bad(tp, f"stage {st}[{tc['name']}]", None, gst[st][0]['at'], 'extra ' + gst[st][0]['source'])
    # pod stages
    gps = defaultdict(list)
    for s in gp['stages']:
        if s.get('container') is None and s['stage'] not in CONTAINER_STAGES:
            gps[s['stage']].append(s)
    for st, when in tp['stages'].items():
        if st in CONTAINER_STAGES:
            continue
        cand = gps.get(st)
        if not cand:
            bad(tp, f"stage {st}", when, None)
            continue
        e = ts(when)
        best = min(cand, key=lambda s: abs(ts(s['at']) - e))
        d = ts(best['at']) - e
        if abs(d) > tol(st, node):
            bad(tp, f"stage {st}", when, best['at'], f"{d:+.3f}s {best['source']}")
    for st in gps:
        if st not in tp['stages']:
            bad(tp, f"stage {st}", None, gps[st][0]['at'], 'extra ' + gps[st][0]['source'])

extra = [p for p in got['pods'] if id(p) not in matched]

print(f"truth pods {len(truth['pods'])}, podmortem pods {len(got['pods'])}, mismatches {len(mism)}, extra pods {len(extra)}")
for n in truth['nodes']:
    print(f"  node {n['name']}: k8s {n['kubernetes_version']} v={n['kubelet_verbosity']} containerd {n['containerd_version']}")
by_field = defaultdict(list)
for m in mism:
    key = m[3].split('[')[0]
    key = key.split('.', 1)[-1] if key.count('.') and not key.startswith('stage') else key
    by_field[key].append(m)
for k in sorted(by_field):
    print(f"\n== {k}: {len(by_field[k])}")
    for m in by_field[k][: (1000 if verbose else 12)]:
        print('  ', m)
if extra:
    print('\n== extra pods')
    for p in extra[: (1000 if verbose else 20)]:
        print('  ', p.get('namespace'), p.get('name'), p.get('uid'), p.get('node'), p['outcome'], [c.get('id', '')[:12] for c in p['containers']], [f['kind'] for f in p['findings']])
